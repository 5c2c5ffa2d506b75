// Small digest helpers shared by classification and verification (kept local: the store's digest module
// is another package's internal; from oci-store cosign imports its types and the JSON depth guard only).
import { createHash } from 'node:crypto';
import { parseJsonWithinDepth } from '@zot-ts/oci-store';

const DIGEST_PATTERN = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST_PATTERN.test(value);
}

/** Digest of bytes with the algorithm `expected` names; used to check what a source returned. */
export function digestOfBytes(bytes: Uint8Array, algorithm: string): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

export function bytesMatchDigest(bytes: Uint8Array, digest: string): boolean {
  const algorithm = digest.split(':', 1)[0];
  if (algorithm !== 'sha256' && algorithm !== 'sha512') return false;
  return digestOfBytes(bytes, algorithm) === digest;
}

/** `sha256:<hex>` -> `{ algorithm: 'sha256', hex }`. */
export function splitDigest(digest: string): { algorithm: string; hex: string } {
  const colon = digest.indexOf(':');
  return { algorithm: digest.slice(0, colon), hex: digest.slice(colon + 1) };
}

/** JSON.parse of bytes or text (nesting at most oci-store's MAX_JSON_DEPTH) that returns undefined instead of throwing. */
export function parseJson(input: Uint8Array | string): unknown {
  try {
    return parseJsonWithinDepth(input);
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Digests as the OCI image-spec defines them (descriptor.md, "Digests"): `<algorithm>:<encoded>`.
// Only the two registered algorithms are accepted, each with its exact lowercase hex length, so a
// digest string maps to exactly one blob path (no `SHA256:`, no upper-case hex aliases).
import { createHash, type Hash } from 'node:crypto';
import { OciError } from './errors.js';
import type { Digest } from './store-types.js';

export type DigestAlgorithm = 'sha256' | 'sha512';

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  /** Lowercase hex: 64 chars for sha256, 128 for sha512. */
  hex: string;
}

/** Hex length of each supported algorithm. */
export const digestHexLength = { sha256: 64, sha512: 128 } as const satisfies Record<DigestAlgorithm, number>;

const digestPattern = /^(sha256|sha512):([a-f0-9]+)$/;

/** Parses a digest, or returns undefined when it is not a valid sha256/sha512 digest. */
export function tryParseDigest(value: string): ParsedDigest | undefined {
  const match = digestPattern.exec(value);
  if (!match) return undefined;
  const algorithm = match[1] as DigestAlgorithm;
  const hex = match[2] as string;
  if (hex.length !== digestHexLength[algorithm]) return undefined;
  return { algorithm, hex };
}

/** Parses a digest; throws DIGEST_INVALID (distribution-spec) when malformed or of an unsupported algorithm. */
export function parseDigest(value: string): ParsedDigest {
  const parsed = tryParseDigest(value);
  if (!parsed) {
    throw new OciError('DIGEST_INVALID', {
      message: 'invalid digest',
      detail: { digest: value.slice(0, 200), reason: 'expected sha256:<64 hex> or sha512:<128 hex>' },
    });
  }
  return parsed;
}

export function isDigest(value: unknown): value is Digest {
  return typeof value === 'string' && tryParseDigest(value) !== undefined;
}

export function isDigestAlgorithm(value: string): value is DigestAlgorithm {
  return value === 'sha256' || value === 'sha512';
}

export function formatDigest(algorithm: DigestAlgorithm, hex: string): Digest {
  return `${algorithm}:${hex}`;
}

export function createDigestHash(algorithm: DigestAlgorithm = 'sha256'): Hash {
  return createHash(algorithm);
}

/** Digest of bytes held in memory (manifests, configs); blobs are hashed while streaming instead. */
export function digestOf(content: Uint8Array | string, algorithm: DigestAlgorithm = 'sha256'): Digest {
  return formatDigest(algorithm, createHash(algorithm).update(content).digest('hex'));
}

export function sha256Hex(content: Uint8Array | string): string {
  return createHash('sha256').update(content).digest('hex');
}

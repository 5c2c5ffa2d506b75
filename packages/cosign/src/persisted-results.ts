// Results kept beyond the process (the registry's metadata store), so a restart does not verify every
// signature again at once. A stored result is used only while its basis still holds: the basis names the
// signature manifests found for the image (by digest, so content is fixed), the trusted keys and the keyless
// trust. Finding the signatures reads a few manifests; verifying them reads blobs and checks signatures, and
// that is what a stored result saves.
import { createHash } from 'node:crypto';
import type { FoundSignature } from './collect.js';
import type { ManifestSignatures } from './results.js';

export interface PersistedSignatureEntry {
  /** What the result was computed from (basisOf); a different basis means recompute. */
  basis: string;
  checkedAt: Date;
  result: ManifestSignatures;
}

/** The port a registry plugs its metadata store into; errors are tolerated (the result is recomputed). */
export interface PersistedSignatureResults {
  get(repository: string, digest: string): Promise<PersistedSignatureEntry | undefined>;
  put(repository: string, digest: string, entry: PersistedSignatureEntry): Promise<void>;
}

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The keyless trust's part of a basis: the trusted root and the identities allowed to sign. */
export function keylessTrustBasis(trustedRoot: unknown, identities: unknown): string {
  if (trustedRoot === undefined) return '';
  const root = typeof trustedRoot === 'string' ? trustedRoot : JSON.stringify(trustedRoot);
  return sha256Hex(`${root}\n${JSON.stringify(identities ?? [])}`);
}

export function basisOf(
  found: readonly FoundSignature[],
  keyPems: readonly string[],
  keyless: string,
): string {
  const keys = keyPems.map((pem) => sha256Hex(pem.trim())).sort();
  return sha256Hex(JSON.stringify({ signatures: found.map((signature) => signature.digest), keys, keyless }));
}

// Classifying the <reference> of a request: tag or digest, with oci-store's validators (one grammar for the
// whole code base). distribution-spec "Pulling manifests": <reference> MUST be either a digest or a tag.
import {
  assertRepositoryName,
  isRepositoryName,
  OciError,
  isDigest as storeIsDigest,
  isTag as storeIsTag,
} from './store-contract.js';

/** distribution-spec <name> grammar; it also rules out `..` and empty path components (no traversal). */
export function isValidName(name: string): boolean {
  return isRepositoryName(name);
}

/** NAME_INVALID with the reason (grammar, length, or a component reserved by the storage layout). */
export function assertName(name: string): void {
  assertRepositoryName(name);
}

export function isTag(reference: string): boolean {
  return storeIsTag(reference);
}

/** sha256 or sha512 with the exact lowercase hex length: a digest maps to exactly one blob. */
export function isDigest(value: string): boolean {
  return storeIsDigest(value);
}

export function assertDigest(value: string): void {
  if (!isDigest(value)) throw new OciError('DIGEST_INVALID', { detail: { digest: value } });
}

export type ReferenceKind = 'tag' | 'digest';

/** A manifest reference: a digest when it contains ':', else a tag; either way it must be well-formed. */
export function classifyReference(reference: string): ReferenceKind {
  if (reference.includes(':')) {
    assertDigest(reference);
    return 'digest';
  }
  if (!isTag(reference))
    throw new OciError('MANIFEST_INVALID', { message: 'invalid tag', detail: { tag: reference } });
  return 'tag';
}

// A manifest reference is a tag or a digest. The tag grammar has no ':' and every digest has one,
// so the two never overlap.
import { type DigestAlgorithm, tryParseDigest } from './digest.js';
import { OciError } from './errors.js';
import type { Digest } from './store-types.js';
import { isTag } from './tag.js';

export type Reference =
  | { kind: 'tag'; tag: string }
  | { kind: 'digest'; digest: Digest; algorithm: DigestAlgorithm; hex: string };

export function tryParseReference(value: string): Reference | undefined {
  if (isTag(value)) return { kind: 'tag', tag: value };
  const parsed = tryParseDigest(value);
  return parsed ? { kind: 'digest', digest: value, ...parsed } : undefined;
}

/**
 * Parses a reference; throws DIGEST_INVALID for a malformed digest (it has a ':') and
 * `codeForBadTag` (MANIFEST_INVALID on push, MANIFEST_UNKNOWN on pull) otherwise.
 */
export function parseReference(
  value: string,
  codeForBadTag: 'MANIFEST_INVALID' | 'MANIFEST_UNKNOWN' = 'MANIFEST_INVALID',
): Reference {
  const reference = tryParseReference(value);
  if (reference) return reference;
  const detail = { reference: String(value).slice(0, 200) };
  if (String(value).includes(':'))
    throw new OciError('DIGEST_INVALID', { message: 'invalid digest', detail });
  throw new OciError(codeForBadTag, { message: 'invalid reference', detail });
}

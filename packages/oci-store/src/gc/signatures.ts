// Which manifests belong to another one (signatures, attestations, SBOMs, bundles, any referrer), and
// which manifest that is. The registry passes @zot-ts/cosign's isSignature; this default recognises the
// two shapes that need no cosign knowledge: cosign's legacy tags and OCI 1.1 referrers.
import { parseJsonWithinDepth } from '../json-depth.js';
import type { ManifestSummary } from '../manifest-parse.js';
import type { IsSignature } from './gc-types.js';

// cosign: `sha256-<hex>.sig` (.att, .sbom) names the artifacts of sha256:<hex> (ociremote.SignatureTag)
const LEGACY_COSIGN_TAG = /^(sha256-[a-f0-9]{64}|sha512-[a-f0-9]{128})\.(sig|att|sbom)$/;

/** `sha256-<hex>.sig` -> `sha256:<hex>`; undefined for any other tag. */
export function subjectOfCosignTag(tag: string | undefined): string | undefined {
  if (tag === undefined) return undefined;
  const match = LEGACY_COSIGN_TAG.exec(tag);
  return match?.[1]?.replace('-', ':');
}

/** The manifest a manifest belongs to: its `subject`, else the digest its cosign tag names. */
export function subjectOf(summary: ManifestSummary | undefined, tags: readonly string[]): string | undefined {
  if (summary?.subject?.digest !== undefined) return summary.subject.digest;
  for (const tag of tags) {
    const subject = subjectOfCosignTag(tag);
    if (subject !== undefined) return subject;
  }
  return undefined;
}

function hasSubject(manifest: Uint8Array): boolean {
  try {
    const parsed: unknown = parseJsonWithinDepth(manifest);
    if (typeof parsed !== 'object' || parsed === null) return false;
    const subject = (parsed as { subject?: { digest?: unknown } }).subject;
    return typeof subject?.digest === 'string';
  } catch {
    return false;
  }
}

/** cosign legacy tags and any manifest with a `subject` (signatures, attestations, SBOMs, bundles, other referrers). */
export const defaultIsSignature: IsSignature = (candidate) =>
  subjectOfCosignTag(candidate.tag) !== undefined || hasSubject(candidate.manifest);

// What counts as a signature (zot's hasSignatureReferrers and cosign tag rules, pkg/common): cosign
// signatures and sigstore bundles, notation signatures, and the legacy `sha256-<hex>.sig` tags.
import type { ReferrerDescriptor } from '@zot-ts/oci-client';

export const ARTIFACT_TYPE_NOTATION = 'application/vnd.cncf.notary.signature';
export const ARTIFACT_TYPE_COSIGN = 'application/vnd.dev.cosign.artifact.sig.v1+json';
export const ARTIFACT_TYPE_COSIGN_BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

const COSIGN_SIGNATURE_TAG = /sha256-.+\.sig/;
const COSIGN_SBOM_TAG = /sha256-.+\.sbom/;
const REFERRERS_TAG = /sha256-[A-Za-z0-9]*$/;

export const isCosignSignatureTag = (tag: string) => COSIGN_SIGNATURE_TAG.test(tag);
/** Tags periodic sync leaves to the referrers pass: cosign .sig/.sbom and referrers-schema indexes. */
export const isSignatureOrReferrersTag = (tag: string) =>
  COSIGN_SIGNATURE_TAG.test(tag) || COSIGN_SBOM_TAG.test(tag) || REFERRERS_TAG.test(tag);

export function hasSignatureReferrer(referrers: ReferrerDescriptor[]): boolean {
  return referrers.some(
    (r) =>
      isCosignSignatureTag(r.annotations?.['org.opencontainers.image.ref.name'] ?? '') ||
      r.artifactType === ARTIFACT_TYPE_NOTATION ||
      r.artifactType === ARTIFACT_TYPE_COSIGN ||
      r.artifactType === ARTIFACT_TYPE_COSIGN_BUNDLE,
  );
}

/** The legacy cosign tags of a digest: `sha256-<hex>.sig`, `.att`, `.sbom`. */
export function legacyTagsOf(digest: string, tags: readonly string[]): string[] {
  const prefix = `${digest.replace(':', '-')}.`;
  return tags.filter((tag) => tag.startsWith(prefix));
}

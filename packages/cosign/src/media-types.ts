// The vocabulary cosign, sigstore and notation use in a registry. Values are copied from the tools
// themselves (cosign pkg/types, sigstore protobuf-specs, notation-go) so that classification matches
// what real clients push.

/** Legacy simple-signing payload layer of a cosign `.sig` image (cosign 1 and 2). */
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
/** Base64 signature over the simple-signing payload, on each layer of a `.sig` image. */
export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
/** PEM Fulcio certificate of a keyless legacy signature. */
export const COSIGN_CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
/** cosign 2 with `--registry-referrers-mode=oci-1-1`: simple-signing layers in an OCI 1.1 referrer. */
export const COSIGN_ARTIFACT_SIG_TYPE = 'application/vnd.dev.cosign.artifact.sig.v1+json';

/** DSSE envelope layer of a cosign `.att` image (in-toto attestations). */
export const DSSE_ENVELOPE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
/** DSSE payloadType of an in-toto statement. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** cosign 3's default: a sigstore bundle pushed as an OCI 1.1 referrer (artifactType and layer). */
export const SIGSTORE_BUNDLE_V03_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
/** The prefix shared by every bundle media type (v0.1 ... v0.3, and `bundle+json;version=0.x`). */
export const SIGSTORE_BUNDLE_TYPE_PREFIX = 'application/vnd.dev.sigstore.bundle';
/** Manifest annotation cosign 3 sets on a bundle referrer: the in-toto predicate type. */
export const BUNDLE_PREDICATE_TYPE_ANNOTATION = 'dev.sigstore.bundle.predicateType';
/** The predicate cosign 3 uses when it signs an image (not an attestation). */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

/** Notation (Notary Project) signature artifact type. */
export const NOTATION_SIGNATURE_TYPE = 'application/vnd.cncf.notary.signature';

export const OCI_EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';

/** Suffixes of cosign's legacy tag scheme `sha256-<hex>.<suffix>`. */
export type LegacySuffix = 'sig' | 'att' | 'sbom';
export const LEGACY_SUFFIXES: readonly LegacySuffix[] = ['sig', 'att', 'sbom'];

/** Bundles, payloads and envelopes are small; anything bigger is refused before it is read. */
export const MAX_SIGNATURE_BLOB_BYTES = 8 * 1024 * 1024;

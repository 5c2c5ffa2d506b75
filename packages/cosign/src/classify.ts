// Recognition of signature artifacts, pure and synchronous: used by the verifier to find signatures,
// by GC to keep a live image's signatures (and drop them with it), and by the registry's UI/search.
import { isDigest, isRecord, parseJson, splitDigest } from './digest-util.js';
import {
  COSIGN_ARTIFACT_SIG_TYPE,
  COSIGN_SIGNATURE_ANNOTATION,
  DSSE_ENVELOPE_MEDIA_TYPE,
  type LegacySuffix,
  NOTATION_SIGNATURE_TYPE,
  SIGSTORE_BUNDLE_TYPE_PREFIX,
  SIMPLE_SIGNING_MEDIA_TYPE,
} from './media-types.js';

export type SignatureKind =
  | 'cosign-signature'
  | 'cosign-attestation'
  | 'cosign-sbom'
  | 'sigstore-bundle'
  | 'cosign-artifact-sig'
  | 'notation-signature';

export type ManifestKind = SignatureKind | 'other';

export interface ClassifyInput {
  repository: string;
  /** The tag the manifest was pushed or found under, when known: cosign's legacy scheme lives in tags. */
  tag?: string;
  /** The manifest: its bytes, its text, or the parsed JSON. */
  manifest: Uint8Array | string | unknown;
  digest: string;
}

export interface Classification {
  kind: ManifestKind;
  /** The digest of the manifest this artifact signs (from `subject`, or from the legacy tag). */
  signs?: string;
}

// cosign: `sha256-<hex>.sig` (see cosign's ociremote.SignatureTag and friends).
const LEGACY_TAG = /^(sha256-[a-f0-9]{64}|sha512-[a-f0-9]{128})\.(sig|att|sbom)$/;

const KIND_BY_SUFFIX: Record<LegacySuffix, SignatureKind> = {
  sig: 'cosign-signature',
  att: 'cosign-attestation',
  sbom: 'cosign-sbom',
};

/** The legacy tag cosign uses for the signatures (or `.att`/`.sbom`) of `digest`. */
export function signatureTagFor(digest: string, suffix: LegacySuffix = 'sig'): string {
  const { algorithm, hex } = splitDigest(digest);
  return `${algorithm}-${hex}.${suffix}`;
}

/** `sha256-<hex>.sig` -> `{ digest: 'sha256:<hex>', suffix: 'sig' }`; undefined for any other tag. */
export function parseSignatureTag(tag: string): { digest: string; suffix: LegacySuffix } | undefined {
  const match = LEGACY_TAG.exec(tag);
  if (!match?.[1] || !match[2]) return undefined;
  return { digest: match[1].replace('-', ':'), suffix: match[2] as LegacySuffix };
}

function layersOf(manifest: Record<string, unknown>): Array<Record<string, unknown>> {
  return Array.isArray(manifest.layers) ? manifest.layers.filter(isRecord) : [];
}

function stringField(record: unknown, field: string): string | undefined {
  if (!isRecord(record)) return undefined;
  const value = record[field];
  return typeof value === 'string' ? value : undefined;
}

/** OCI 1.1: the artifact type is `artifactType`, else the config media type. */
export function artifactTypeOf(manifest: Record<string, unknown>): string | undefined {
  return stringField(manifest, 'artifactType') ?? stringField(manifest.config, 'mediaType');
}

function kindFromContent(manifest: Record<string, unknown>): SignatureKind | undefined {
  const artifactType = artifactTypeOf(manifest) ?? '';
  const layerTypes = layersOf(manifest).map((layer) => stringField(layer, 'mediaType') ?? '');
  if (artifactType === NOTATION_SIGNATURE_TYPE) return 'notation-signature';
  // Some clients report the empty config as the artifact type; the bundle layer still says what it is.
  if (
    artifactType.startsWith(SIGSTORE_BUNDLE_TYPE_PREFIX) ||
    layerTypes.some((type) => type.startsWith(SIGSTORE_BUNDLE_TYPE_PREFIX))
  ) {
    return 'sigstore-bundle';
  }
  if (artifactType === COSIGN_ARTIFACT_SIG_TYPE) return 'cosign-artifact-sig';
  const layers = layersOf(manifest);
  const signedLayers = layers.filter(
    (layer) => isRecord(layer.annotations) && COSIGN_SIGNATURE_ANNOTATION in layer.annotations,
  );
  if (layers.length > 0 && signedLayers.length === layers.length) {
    if (layerTypes.every((type) => type === SIMPLE_SIGNING_MEDIA_TYPE)) return 'cosign-signature';
    if (layerTypes.every((type) => type === DSSE_ENVELOPE_MEDIA_TYPE)) return 'cosign-attestation';
  }
  return undefined;
}

/**
 * What a manifest is, and what it signs. The legacy tag decides first (it is how cosign finds its
 * artifacts); then the OCI 1.1 artifact type and layer media types. A `subject` names the signed manifest.
 */
export function classifyManifest(input: ClassifyInput): Classification {
  const parsed =
    typeof input.manifest === 'string' || input.manifest instanceof Uint8Array
      ? parseJson(input.manifest)
      : input.manifest;
  const manifest = isRecord(parsed) ? parsed : {};
  const subject = stringField(manifest.subject, 'digest');
  const signsBySubject = isDigest(subject) ? subject : undefined;
  const legacy = input.tag === undefined ? undefined : parseSignatureTag(input.tag);
  if (legacy) return { kind: KIND_BY_SUFFIX[legacy.suffix], signs: legacy.digest };

  const kind = kindFromContent(manifest);
  if (kind === undefined) return { kind: 'other' };
  return signsBySubject === undefined ? { kind } : { kind, signs: signsBySubject };
}

/**
 * True for the artifacts that belong to the image they sign (signatures, attestations, bundles, SBOMs
 * attached by cosign): GC keeps them while the signed image lives and removes them with it.
 */
export function isSignature(input: ClassifyInput): boolean {
  return classifyManifest(input).kind !== 'other';
}

// Turns one found signature manifest into reports: one per signature layer, each checked against the
// trusted keys (or root) and against the manifest it claims to sign.
import { verifyBundle } from './bundle-verify.js';
import type { FoundSignature } from './collect.js';
import { bytesMatchDigest, isDigest, isRecord } from './digest-util.js';
import { verifyDsseEnvelope } from './dsse.js';
import type { KeylessTrust } from './keyless-verify.js';
import {
  BUNDLE_PREDICATE_TYPE_ANNOTATION,
  COSIGN_CERTIFICATE_ANNOTATION,
  COSIGN_SIGNATURE_ANNOTATION,
  DSSE_ENVELOPE_MEDIA_TYPE,
  MAX_SIGNATURE_BLOB_BYTES,
  SIGSTORE_BUNDLE_TYPE_PREFIX,
  SIMPLE_SIGNING_MEDIA_TYPE,
} from './media-types.js';
import type { ParsedPublicKey } from './public-keys.js';
import { invalid, type NotationCheck, type SignatureReport, untrusted, type Verdict } from './results.js';
import {
  blobOrUndefined,
  manifestOrUndefined,
  type OciDescriptor,
  type SignatureSource,
} from './signature-source.js';
import { verifySimpleSigning } from './simple-signing.js';

export interface VerifyContext {
  source: SignatureSource;
  repository: string;
  subjectDigest: string;
  keys: readonly ParsedPublicKey[];
  keyless?: KeylessTrust;
  notation?: NotationCheck;
}

/** notation's envelope media types (notation-go: signature/jws, signature/cose). */
const NOTATION_ENVELOPE_TYPES = new Set(['application/jose+json', 'application/cose']);

export async function verifyFoundSignature(
  found: FoundSignature,
  context: VerifyContext,
): Promise<SignatureReport[]> {
  const report = (verdict: Verdict, layer?: OciDescriptor): SignatureReport => ({
    tool: found.kind === 'notation-signature' ? 'notation' : 'cosign',
    kind: found.kind,
    manifestDigest: found.digest,
    ...(layer === undefined ? {} : { layerDigest: layer.digest }),
    ...verdict,
    trusted: verdict.status === 'trusted',
  });

  if (found.kind === 'notation-signature') {
    if (context.notation === undefined)
      return [
        report(
          untrusted('notation signatures are recognised but not verified (extensions.trust.notation is off)'),
        ),
      ];
    const layers = found.layers.filter((layer) => NOTATION_ENVELOPE_TYPES.has(layer.mediaType));
    if (layers.length === 0) return [report(invalid('notation signature manifest has no JWS or COSE layer'))];
    const subject = await manifestOrUndefined(context.source, context.repository, context.subjectDigest);
    const subjectMediaType = subject === undefined ? undefined : mediaTypeOfManifest(subject.content);
    const reports: SignatureReport[] = [];
    for (const layer of layers) {
      const bytes = await readLayer(context, layer);
      if ('status' in bytes) {
        reports.push(report(bytes, layer));
        continue;
      }
      const verdict = await context.notation({
        envelope: bytes.content,
        envelopeMediaType: layer.mediaType,
        subject: {
          digest: context.subjectDigest,
          ...(subject === undefined ? {} : { size: subject.content.byteLength }),
          ...(subjectMediaType === undefined ? {} : { mediaType: subjectMediaType }),
        },
      });
      reports.push(report(verdict, layer));
    }
    return reports;
  }
  if (found.kind === 'sigstore-bundle') {
    const layer =
      found.layers.find((candidate) => candidate.mediaType.startsWith(SIGSTORE_BUNDLE_TYPE_PREFIX)) ??
      found.layers[0];
    if (!layer) return [report(invalid('bundle referrer has no layers'))];
    return [report(await verifyBundleLayer(found, layer, context), layer)];
  }
  const wanted = found.kind === 'cosign-attestation' ? DSSE_ENVELOPE_MEDIA_TYPE : SIMPLE_SIGNING_MEDIA_TYPE;
  const layers = found.layers.filter((layer) => layer.mediaType === wanted);
  if (layers.length === 0) return [report(invalid(`signature manifest has no ${wanted} layer`))];
  const reports: SignatureReport[] = [];
  for (const layer of layers) {
    const bytes = await readLayer(context, layer);
    if ('status' in bytes) {
      reports.push(report(bytes, layer));
      continue;
    }
    const verdict =
      found.kind === 'cosign-attestation'
        ? verifyDsseEnvelope(bytes.content, context.subjectDigest, context.keys)
        : verifySimpleSigning({
            payload: bytes.content,
            signatureBase64: layer.annotations?.[COSIGN_SIGNATURE_ANNOTATION],
            subjectDigest: context.subjectDigest,
            keys: context.keys,
            keyless: layer.annotations?.[COSIGN_CERTIFICATE_ANNOTATION] !== undefined,
          });
    reports.push(report(verdict, layer));
  }
  return reports;
}

async function verifyBundleLayer(
  found: FoundSignature,
  layer: OciDescriptor,
  context: VerifyContext,
): Promise<Verdict> {
  const bytes = await readLayer(context, layer);
  if ('status' in bytes) return bytes;
  const verdict = await verifyBundle({
    bundleBytes: bytes.content,
    subjectDigest: context.subjectDigest,
    keys: context.keys,
    ...(context.keyless === undefined ? {} : { keyless: context.keyless }),
    loadArtifact: (digest) => loadArtifact(found, context, digest),
  });
  const annotations = isRecord(found.manifest.annotations) ? found.manifest.annotations : {};
  const predicateType = annotations[BUNDLE_PREDICATE_TYPE_ANNOTATION];
  return verdict.predicateType === undefined && typeof predicateType === 'string'
    ? { ...verdict, predicateType }
    : verdict;
}

/** The signed bytes of a message-signature bundle: the subject manifest, or another layer of the referrer. */
async function loadArtifact(
  found: FoundSignature,
  context: VerifyContext,
  digest: string,
): Promise<Uint8Array | undefined> {
  if (!isDigest(digest)) return undefined;
  if (digest === context.subjectDigest)
    return (await manifestOrUndefined(context.source, context.repository, digest))?.content;
  const layer = found.layers.find((candidate) => candidate.digest === digest);
  if (!layer) return undefined;
  const bytes = await readLayer(context, layer);
  return 'status' in bytes ? undefined : bytes.content;
}

async function readLayer(
  context: VerifyContext,
  layer: OciDescriptor,
): Promise<{ content: Uint8Array } | Verdict> {
  if (layer.size > MAX_SIGNATURE_BLOB_BYTES)
    return invalid(`layer ${layer.digest} is larger than ${MAX_SIGNATURE_BLOB_BYTES} bytes`);
  const content = await blobOrUndefined(context.source, context.repository, layer.digest);
  if (!content) return invalid(`layer ${layer.digest} is missing`);
  // The store checks digests on upload; checked again because the payload is what the signature covers.
  if (!bytesMatchDigest(content, layer.digest))
    return invalid(`layer ${layer.digest} does not match its digest`);
  return { content };
}

/** The `mediaType` field of a manifest body, when it has one (the descriptor notation signed names it). */
function mediaTypeOfManifest(content: Uint8Array): string | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(content).toString('utf8')) as { mediaType?: unknown };
    return typeof parsed.mediaType === 'string' ? parsed.mediaType : undefined;
  } catch {
    return undefined;
  }
}

// Finding the signatures of one manifest through the SignatureSource: cosign's legacy tags
// (`sha256-<hex>.sig` / `.att`) and the OCI 1.1 referrers of the manifest.
import { classifyManifest, type SignatureKind, signatureTagFor } from './classify.js';
import { isRecord, parseJson } from './digest-util.js';
import type { LegacySuffix } from './media-types.js';
import { manifestOrUndefined, type OciDescriptor, type SignatureSource } from './signature-source.js';

export interface FoundSignature {
  kind: SignatureKind;
  /** Digest of the signature manifest. */
  digest: string;
  manifest: Record<string, unknown>;
  layers: OciDescriptor[];
}

// `.sbom` is an attachment, not a signature: GC keeps it with the image, but it signs nothing.
const SIGNATURE_SUFFIXES: readonly LegacySuffix[] = ['sig', 'att'];

export async function collectSignatures(
  source: SignatureSource,
  repository: string,
  subjectDigest: string,
): Promise<FoundSignature[]> {
  const found = new Map<string, FoundSignature>();
  const consider = (digest: string, content: Uint8Array, tag?: string): void => {
    const classified = classifyManifest({
      repository,
      digest,
      manifest: content,
      ...(tag === undefined ? {} : { tag }),
    });
    if (
      classified.kind === 'other' ||
      classified.kind === 'cosign-sbom' ||
      classified.signs !== subjectDigest
    )
      return;
    const manifest = parseJson(content);
    if (!isRecord(manifest) || found.has(digest)) return;
    found.set(digest, { kind: classified.kind, digest, manifest, layers: descriptorsOf(manifest.layers) });
  };

  for (const suffix of SIGNATURE_SUFFIXES) {
    const tag = signatureTagFor(subjectDigest, suffix);
    const manifest = await manifestOrUndefined(source, repository, tag);
    if (manifest) consider(manifest.digest, manifest.content, tag);
  }
  // Referrer errors are not swallowed: a transient store failure must not be cached as "unsigned".
  for (const referrer of await source.referrers(repository, subjectDigest)) {
    if (found.has(referrer.digest)) continue;
    const manifest = await manifestOrUndefined(source, repository, referrer.digest);
    if (manifest) consider(manifest.digest, manifest.content);
  }
  return [...found.values()].sort((a, b) => a.digest.localeCompare(b.digest));
}

export function descriptorsOf(value: unknown): OciDescriptor[] {
  if (!Array.isArray(value)) return [];
  const descriptors: OciDescriptor[] = [];
  for (const entry of value) {
    if (
      !isRecord(entry) ||
      typeof entry.mediaType !== 'string' ||
      typeof entry.digest !== 'string' ||
      typeof entry.size !== 'number'
    )
      continue;
    const descriptor: OciDescriptor = { mediaType: entry.mediaType, digest: entry.digest, size: entry.size };
    if (isRecord(entry.annotations)) {
      descriptor.annotations = Object.fromEntries(
        Object.entries(entry.annotations).filter(
          (pair): pair is [string, string] => typeof pair[1] === 'string',
        ),
      );
    }
    descriptors.push(descriptor);
  }
  return descriptors;
}

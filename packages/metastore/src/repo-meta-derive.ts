// What RepoMeta derives from its tagged images, and how a signature manifest is recognised, as zot computes them
// (pkg/meta/common AddImageMetaToRepoMeta / RemoveImageFromRepoMeta, pkg/meta/parse.go isSignature). Pure
// functions over plain records, shared by every RepoMetaStore implementation.
import type { ImageMeta, ManifestMeta, OciJson, RepoMeta, SignatureTool } from './repo-meta-types.js';

export const NOTATION_SIGNATURE_ARTIFACT_TYPE = 'application/vnd.cncf.notary.signature';
export const COSIGN_SIGNATURE_ARTIFACT_TYPES: readonly string[] = [
  'application/vnd.dev.cosign.artifact.sig.v1+json',
  'application/vnd.dev.sigstore.bundle.v0.3+json',
];
// zot's cosignSignatureTagRule is `sha256\-.+\.sig` unanchored; we anchor it on a real digest so a tag such as
// `sha256-x.sig.bak` is an ordinary tag.
const COSIGN_LEGACY_SIGNATURE_TAG = /^sha256-([a-f0-9]{64})\.sig$/;

const VENDOR_ANNOTATION = 'org.opencontainers.image.vendor';
const LABEL_SCHEMA_VENDOR = 'org.label-schema.vendor';

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const stringOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const isDigestReference = (reference: string): boolean =>
  /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:/.test(reference);

/** String-valued entries of `annotations` (or of config.Labels). */
export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') out[key] = entry;
  return out;
}

/** OCI 1.1: a manifest's artifact type is `artifactType`, else its config's media type. */
export function artifactTypeOf(manifest: OciJson): string {
  return (
    stringOf(manifest.artifactType) ??
    (isRecord(manifest.config) ? stringOf(manifest.config.mediaType) : '') ??
    ''
  );
}

export function subjectDigestOf(manifest: OciJson | undefined): string | undefined {
  return manifest && isRecord(manifest.subject) ? stringOf(manifest.subject.digest) : undefined;
}

/** The manifest body of an image: the manifest itself, or the index body. */
export function bodyOf(image: ImageMeta): OciJson | undefined {
  return image.index ?? image.manifests[0]?.manifest;
}

export interface RecognisedSignature {
  tool: SignatureTool;
  signedDigest: string;
  /** The legacy tag, for `sha256-<hex>.sig` signatures. */
  tag?: string;
}

/** zot's isSignature: notation and cosign referrers by artifact type, cosign's legacy `.sig` tags by name. */
export function recogniseSignature(reference: string, image: ImageMeta): RecognisedSignature | undefined {
  if (image.index) return undefined;
  const manifest = image.manifests[0]?.manifest;
  if (!manifest) return undefined;
  const artifactType = artifactTypeOf(manifest);
  const subject = subjectDigestOf(manifest);
  if (artifactType === NOTATION_SIGNATURE_ARTIFACT_TYPE && subject)
    return { tool: 'notation', signedDigest: subject };
  if (COSIGN_SIGNATURE_ARTIFACT_TYPES.includes(artifactType) && subject) {
    return { tool: 'cosign', signedDigest: subject };
  }
  const legacy = COSIGN_LEGACY_SIGNATURE_TAG.exec(reference);
  if (legacy) return { tool: 'cosign', signedDigest: `sha256:${legacy[1]}`, tag: reference };
  return undefined;
}

/** zot's GetImageLastUpdated: the config's `created`, else the last history entry's. */
export function manifestCreatedAt(manifest: ManifestMeta): Date | undefined {
  const created = parseTime(manifest.config.created);
  if (created) return created;
  const history = manifest.config.history;
  if (Array.isArray(history) && history.length > 0) {
    const last = history[history.length - 1];
    return isRecord(last) ? parseTime(last.created) : undefined;
  }
  return undefined;
}

function parseTime(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const time = new Date(value);
  // Go's zero time (0001-01-01) means "not set".
  return Number.isNaN(time.getTime()) || time.getUTCFullYear() <= 1 ? undefined : time;
}

/** The newest creation time of an image (an index: of its children). */
export function imageCreatedAt(image: ImageMeta): Date | undefined {
  let newest: Date | undefined;
  for (const manifest of image.manifests) {
    const created = manifestCreatedAt(manifest);
    if (created && (!newest || created > newest)) newest = created;
  }
  return newest;
}

export function platformOf(manifest: ManifestMeta): RepoMeta['platforms'][number] | undefined {
  const os = stringOf(manifest.config.os) ?? '';
  const architecture = stringOf(manifest.config.architecture) ?? '';
  if (os === '' && architecture === '') return undefined;
  const variant = stringOf(manifest.config.variant);
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** zot's GetVendor over the manifest annotations; image labels as a fallback (docker builds set labels). */
export function vendorOf(manifest: ManifestMeta): string | undefined {
  const annotations = stringMap(manifest.manifest.annotations);
  const labels = isRecord(manifest.config.config) ? stringMap(manifest.config.config.Labels) : {};
  const vendor =
    annotations[VENDOR_ANNOTATION] ||
    annotations[LABEL_SCHEMA_VENDOR] ||
    labels[VENDOR_ANNOTATION] ||
    labels[LABEL_SCHEMA_VENDOR];
  return vendor || undefined;
}

/** Blobs of an image with their sizes: the image itself, child manifests, configs and layers. */
export function blobsOf(image: ImageMeta): Map<string, number> {
  const blobs = new Map<string, number>([[image.digest, image.size]]);
  for (const manifest of image.manifests) {
    blobs.set(manifest.digest, manifest.size);
    const config = manifest.manifest.config;
    if (isRecord(config) && typeof config.digest === 'string')
      blobs.set(config.digest, Number(config.size ?? 0));
    const layers = manifest.manifest.layers;
    if (Array.isArray(layers)) {
      for (const layer of layers) {
        if (isRecord(layer) && typeof layer.digest === 'string')
          blobs.set(layer.digest, Number(layer.size ?? 0));
      }
    }
  }
  return blobs;
}

/** What RepoMeta derives from one image (zot's BlobInfo): computed once per digest, as image content never changes. */
export interface ImageSummary {
  digest: string;
  mediaType: string;
  blobs: [digest: string, size: number][];
  platforms: RepoMeta['platforms'];
  vendors: string[];
  createdAt?: Date;
}

export function summariseImage(image: ImageMeta): ImageSummary {
  const platforms: RepoMeta['platforms'] = [];
  const vendors: string[] = [];
  for (const manifest of image.manifests) {
    const platform = platformOf(manifest);
    if (platform) platforms.push(platform);
    const vendor = vendorOf(manifest);
    if (vendor) vendors.push(vendor);
  }
  const createdAt = imageCreatedAt(image);
  return {
    digest: image.digest,
    mediaType: image.mediaType,
    blobs: [...blobsOf(image)],
    platforms,
    vendors,
    ...(createdAt ? { createdAt } : {}),
  };
}

/**
 * Recomputes lastUpdated, platforms, vendors, size and downloadCount of `repo` from its tags (zot's
 * recalculateAggregateFields and GetProtoEarlierUpdatedImage): the last updated image is the tagged image with the
 * newest creation time; an image without one counts from the time it was tagged.
 */
export function deriveRepoFields(
  repo: RepoMeta,
  summaryOf: (digest: string) => ImageSummary | undefined,
): void {
  // Runs on every push over every tag of the repository, so it avoids sorting them: the newest image wins, and
  // of equally new ones the tag that sorts first (what a scan of the sorted tags keeps).
  let lastUpdated: RepoMeta['lastUpdated'];
  const images = new Map<string, ImageSummary | undefined>();
  for (const tag in repo.tags) {
    const descriptor = repo.tags[tag];
    if (!descriptor) continue;
    let image = images.get(descriptor.digest);
    if (image === undefined && !images.has(descriptor.digest)) {
      image = summaryOf(descriptor.digest);
      images.set(descriptor.digest, image);
    }
    if (!image) continue;
    const at = image.createdAt ?? descriptor.taggedAt;
    const newer =
      !lastUpdated ||
      at.getTime() > lastUpdated.at.getTime() ||
      (at.getTime() === lastUpdated.at.getTime() && tag < lastUpdated.tag);
    if (newer) lastUpdated = { tag, digest: image.digest, mediaType: image.mediaType, at };
  }
  const counted = new Set<string>();
  let size = 0;
  const platforms = new Map<string, RepoMeta['platforms'][number]>();
  const vendors = new Set<string>();
  for (const image of images.values()) {
    if (!image) continue;
    for (const [digest, blobSize] of image.blobs) {
      if (counted.has(digest)) continue;
      counted.add(digest);
      size += blobSize;
    }
    for (const platform of image.platforms) {
      const key = `${platform.os}/${platform.architecture}/${platform.variant ?? ''}`;
      if (!platforms.has(key)) platforms.set(key, platform);
    }
    for (const vendor of image.vendors) vendors.add(vendor);
  }
  if (lastUpdated) repo.lastUpdated = lastUpdated;
  else delete repo.lastUpdated;
  // in a fixed order (os, architecture, variant) rather than the order tags happen to be stored in
  repo.platforms = [...platforms.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, p]) => p);
  repo.vendors = [...vendors].sort();
  repo.size = size;
  let downloads = 0;
  for (const digest in repo.statistics) downloads += repo.statistics[digest]?.downloadCount ?? 0;
  repo.downloadCount = downloads;
}

export function emptyRepoMeta(name: string): RepoMeta {
  return {
    name,
    tags: {},
    statistics: {},
    signatures: {},
    referrers: {},
    platforms: [],
    vendors: [],
    size: 0,
    starCount: 0,
    downloadCount: 0,
  };
}

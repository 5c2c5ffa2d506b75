// An image (a tag of a repository) as zot's ImageSummary, following convert/metadb.go: ImageManifest2ImageSummary
// and ImageIndex2ImageSummary, with sizes, platform, history, signatures, referrers and download statistics.
import { artifactTypeOf, type ImageMeta, type ManifestMeta, type RepoMeta } from '@zot-ts/metastore';
import {
  EMPTY_ANNOTATIONS,
  type ImageAnnotations,
  imageAnnotations,
  indexAnnotations,
} from './annotations.js';
import {
  type ImageSummary,
  type LayerHistory,
  type LayerSummary,
  type ManifestSummary,
  NO_VULNERABILITY_SCAN,
  type Platform,
  type Referrer,
  type SignatureSummary,
} from './gql-types.js';
import { containerConfigOf, isRecord, layersOf, stringMap, stringOf } from './oci-json.js';
import { formatTime, parseTime, timeMs } from './time.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

export const isManifestType = (mediaType: string) =>
  mediaType === OCI_MANIFEST || mediaType === DOCKER_MANIFEST;
export const isIndexType = (mediaType: string) => mediaType === OCI_INDEX || mediaType === DOCKER_LIST;

/** One tag of a repository with its image; for an index, `image.manifests` may be a filtered subset. */
export interface TaggedImage {
  repo: RepoMeta;
  tag: string;
  image: ImageMeta;
}

export function platformOfConfig(config: Record<string, unknown>): Platform {
  const arch = stringOf(config.architecture);
  const variant = stringOf(config.variant);
  return { Os: stringOf(config.os), Arch: arch !== '' && variant !== '' ? `${arch}/${variant}` : arch };
}

/** zot's GetImageLastUpdated: the config's `created`, else its last history entry's, else the zero time. */
function configLastUpdated(config: Record<string, unknown>): Date | undefined {
  const created = parseTime(config.created);
  if (created !== undefined) return created;
  const history = Array.isArray(config.history) ? config.history : [];
  const last = history[history.length - 1];
  return isRecord(last) ? parseTime(last.created) : undefined;
}

export function referrersOf(repo: RepoMeta, digest: string): Referrer[] {
  return (repo.referrers[digest] ?? []).map((referrer) => ({
    MediaType: referrer.mediaType,
    ArtifactType: referrer.artifactType,
    Size: referrer.size,
    Digest: referrer.digest,
    Annotations: Object.entries(referrer.annotations).map(([Key, Value]) => ({ Key, Value })),
  }));
}

function isSigned(repo: RepoMeta, digest: string): boolean {
  const signatures = repo.signatures[digest];
  return signatures !== undefined && Object.values(signatures).some((list) => (list?.length ?? 0) > 0);
}

/** zot's GetSignaturesInfo: one entry per signature layer, as the background verification stored it (a layer
 * not verified yet has no signer): trusted when it verified with a known signer and its validity has not ended. */
function signatureInfo(repo: RepoMeta, digest: string): SignatureSummary[] {
  const out: SignatureSummary[] = [];
  const now = Date.now();
  for (const [tool, list] of Object.entries(repo.signatures[digest] ?? {})) {
    for (const signature of list ?? []) {
      for (const layer of signature.layers) {
        const author = layer.signer ?? '';
        const ended = layer.expiresAt !== undefined && now > layer.expiresAt.getTime();
        out.push({ Tool: tool, IsTrusted: author !== '' && layer.verified && !ended, Author: author });
      }
    }
  }
  return out;
}

/** zot's getAllHistory: history entries matched to non-empty layers, or bare layers without history. */
function historyOf(layers: LayerSummary[], config: Record<string, unknown>): LayerHistory[] {
  const history = Array.isArray(config.history) ? config.history.filter(isRecord) : [];
  if (history.length === 0) return layers.map((layer) => ({ Layer: layer, HistoryDescription: {} }));
  const out: LayerHistory[] = [];
  let layerIndex = 0;
  for (const entry of history) {
    const created = parseTime(entry.created);
    const emptyLayer = entry.empty_layer === true;
    const item: LayerHistory = {
      Layer: null,
      HistoryDescription: {
        Created: created === undefined ? null : formatTime(created),
        CreatedBy: stringOf(entry.created_by),
        Author: stringOf(entry.author),
        Comment: stringOf(entry.comment),
        EmptyLayer: emptyLayer,
      },
    };
    out.push(item);
    if (emptyLayer) continue;
    // zot stops at a history that names more layers than the manifest has (ErrBadLayerCount)
    if (layerIndex >= layers.length) break;
    item.Layer = layers[layerIndex++] ?? null;
  }
  return out;
}

interface ManifestParts {
  summary: ManifestSummary;
  annotations: ImageAnnotations;
  lastUpdated: Date | undefined;
  /** Blobs with their sizes (config, manifest, layers), for the size of an index. */
  blobs: Map<string, number>;
}

function manifestParts(repo: RepoMeta, meta: ManifestMeta): ManifestParts {
  const configDescriptor = isRecord(meta.manifest.config) ? meta.manifest.config : {};
  const configDigest = stringOf(configDescriptor.digest);
  const configSize = Number(configDescriptor.size ?? 0) || 0;
  const layers = layersOf(meta.manifest);
  const blobs = new Map<string, number>([
    [configDigest, configSize],
    [meta.digest, meta.size],
  ]);
  let size = configSize + meta.size;
  for (const layer of layers) {
    blobs.set(layer.digest, layer.size);
    size += layer.size;
  }
  const annotations = imageAnnotations(
    stringMap(meta.manifest.annotations),
    stringMap(containerConfigOf(meta.config).Labels),
  );
  const lastUpdated = annotations.created ?? configLastUpdated(meta.config);
  const layerSummaries = layers.map((layer) => ({ Size: String(layer.size), Digest: layer.digest }));
  const signed = isSigned(repo, meta.digest);
  return {
    annotations,
    lastUpdated,
    blobs,
    summary: {
      Digest: meta.digest,
      ConfigDigest: configDigest,
      LastUpdated: formatTime(lastUpdated),
      Size: String(size),
      IsSigned: signed,
      SignatureInfo: signed ? signatureInfo(repo, meta.digest) : [],
      Platform: platformOfConfig(meta.config),
      DownloadCount: repo.statistics[meta.digest]?.downloadCount ?? 0,
      Layers: layerSummaries,
      History: historyOf(layerSummaries, meta.config),
      Vulnerabilities: NO_VULNERABILITY_SCAN,
      Referrers: referrersOf(repo, meta.digest),
      ArtifactType: artifactTypeOf(meta.manifest),
    },
  };
}

function common(repo: RepoMeta, tag: string, digest: string) {
  const stats = repo.statistics[digest];
  const pushedAt = stats?.pushedAt;
  const taggedAt = repo.tags[tag]?.taggedAt;
  const signed = isSigned(repo, digest);
  return {
    RepoName: repo.name,
    Tag: tag,
    Digest: digest,
    DownloadCount: stats?.downloadCount ?? 0,
    LastPullTimestamp: formatTime(stats?.lastPullAt),
    PushTimestamp: formatTime(pushedAt),
    PushedBy: stats?.pushedBy ?? '',
    // zot falls back to the push time when the tag time is unknown
    TaggedTimestamp: formatTime(taggedAt ?? pushedAt),
    IsSigned: signed,
    SignatureInfo: signed ? signatureInfo(repo, digest) : [],
    Vulnerabilities: NO_VULNERABILITY_SCAN,
    Referrers: referrersOf(repo, digest),
  };
}

function annotationFields(annotations: ImageAnnotations) {
  return {
    Description: annotations.description,
    Title: annotations.title,
    Documentation: annotations.documentation,
    Licenses: annotations.licenses,
    Labels: annotations.labels,
    Source: annotations.source,
    Vendor: annotations.vendor,
  };
}

/** The ImageSummary of a tagged image; undefined for media types zot does not summarise (nor do we). */
export function imageSummaryOf({ repo, tag, image }: TaggedImage): ImageSummary | undefined {
  if (isManifestType(image.mediaType)) {
    const meta = image.manifests[0];
    if (meta === undefined) return undefined;
    const parts = manifestParts(repo, meta);
    return {
      ...common(repo, tag, image.digest),
      ...annotationFields(parts.annotations),
      MediaType: stringOf(meta.manifest.mediaType) || image.mediaType,
      Manifests: [parts.summary],
      Size: parts.summary.Size,
      LastUpdated: parts.summary.LastUpdated,
      Authors: parts.annotations.authors || stringOf(meta.config.author),
      lastUpdatedMs: timeMs(parts.lastUpdated),
    };
  }
  if (!isIndexType(image.mediaType)) return undefined;
  let size = 0;
  let newest: Date | undefined;
  let first: ImageAnnotations | undefined;
  const manifests: ManifestSummary[] = [];
  for (const meta of image.manifests) {
    const parts = manifestParts(repo, meta);
    for (const blobSize of parts.blobs.values()) size += blobSize;
    if (parts.lastUpdated !== undefined && (newest === undefined || parts.lastUpdated > newest))
      newest = parts.lastUpdated;
    first ??= parts.annotations;
    manifests.push(parts.summary);
  }
  const annotations = indexAnnotations(stringMap(image.index?.annotations), first ?? EMPTY_ANNOTATIONS);
  const lastUpdated = annotations.created ?? newest;
  return {
    ...common(repo, tag, image.digest),
    ...annotationFields(annotations),
    MediaType: OCI_INDEX,
    Manifests: manifests,
    Size: String(size),
    LastUpdated: formatTime(lastUpdated),
    Authors: annotations.authors,
    lastUpdatedMs: timeMs(lastUpdated),
  };
}

// Docker schema 2 manifests and manifest lists rewritten as OCI manifests and indexes (zot converts unless
// preserveDigest, through regclient's mod.WithManifestToOCI): media types of the manifest, config and layers
// are mapped, index entries point at the converted children, and a referrer's `subject` is re-pointed at the
// converted subject. Blobs are untouched (a Docker image config is a valid OCI config), so only manifests
// change digest. The output is deterministic, so a re-sync of the same upstream digest lands on the same
// local digest and is skipped.
import { createHash } from 'node:crypto';

export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

const BLOB_TYPES: Record<string, string> = {
  'application/vnd.docker.container.image.v1+json': 'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.image.rootfs.diff.tar.gzip': 'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip':
    'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.docker.image.rootfs.diff.tar': 'application/vnd.oci.image.layer.v1.tar',
  [DOCKER_MANIFEST]: OCI_MANIFEST,
  [DOCKER_MANIFEST_LIST]: OCI_INDEX,
};

export const isDockerType = (mediaType: string) =>
  mediaType === DOCKER_MANIFEST || mediaType === DOCKER_MANIFEST_LIST;

export const sha256Of = (content: Uint8Array) =>
  `sha256:${createHash('sha256').update(content).digest('hex')}`;

interface DescriptorJson {
  mediaType?: string;
  digest?: string;
  size?: number;
  [key: string]: unknown;
}

/** Upstream digest -> the local manifest it became (only for manifests that changed). */
export type ConvertedDigests = Map<string, { digest: string; size: number; mediaType: string }>;

function mapDescriptor(descriptor: DescriptorJson, converted: ConvertedDigests): DescriptorJson {
  const child = descriptor.digest === undefined ? undefined : converted.get(descriptor.digest);
  if (child !== undefined)
    return { ...descriptor, mediaType: child.mediaType, digest: child.digest, size: child.size };
  const mediaType = descriptor.mediaType === undefined ? undefined : BLOB_TYPES[descriptor.mediaType];
  return mediaType === undefined ? descriptor : { ...descriptor, mediaType };
}

/**
 * The local form of one manifest: converted when it is a Docker type (and conversion is on) or when it points
 * at a manifest that was converted (an index's child, a referrer's subject). undefined: stored as it is.
 */
export function convertManifest(
  mediaType: string,
  content: Uint8Array,
  converted: ConvertedDigests,
): { mediaType: string; content: Buffer } | undefined {
  const parsed = JSON.parse(Buffer.from(content).toString('utf8')) as Record<string, unknown>;
  const docker = isDockerType(mediaType);
  const subject = parsed.subject as DescriptorJson | undefined;
  const children = (parsed.manifests as DescriptorJson[] | undefined) ?? [];
  const touchesConverted =
    (subject?.digest !== undefined && converted.has(subject.digest)) ||
    children.some((child) => child.digest !== undefined && converted.has(child.digest));
  if (!docker && !touchesConverted) return undefined;
  const out: Record<string, unknown> = { ...parsed };
  const localType = BLOB_TYPES[mediaType] ?? mediaType;
  if (docker || parsed.mediaType !== undefined) out.mediaType = localType;
  if (parsed.config !== undefined) out.config = mapDescriptor(parsed.config as DescriptorJson, converted);
  if (Array.isArray(parsed.layers))
    out.layers = (parsed.layers as DescriptorJson[]).map((l) => mapDescriptor(l, converted));
  if (Array.isArray(parsed.manifests)) out.manifests = children.map((m) => mapDescriptor(m, converted));
  if (subject !== undefined) out.subject = mapDescriptor(subject, converted);
  return { mediaType: localType, content: Buffer.from(JSON.stringify(out)) };
}

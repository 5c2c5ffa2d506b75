// Media types the registry understands (image-spec media-types.md; Docker Image Manifest V2 Schema 2).

export const mediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociEmptyJson: 'application/vnd.oci.empty.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

/** The index.json / referrers answer media type. */
export const MEDIA_TYPE_OCI_INDEX = mediaTypes.ociIndex;
export const MEDIA_TYPE_OCI_MANIFEST = mediaTypes.ociManifest;
export const MEDIA_TYPE_DOCKER_MANIFEST = mediaTypes.dockerManifest;
export const MEDIA_TYPE_DOCKER_MANIFEST_LIST = mediaTypes.dockerManifestList;
export const MEDIA_TYPE_OCI_EMPTY_JSON = mediaTypes.ociEmptyJson;

/** Manifests that list blobs (config + layers). */
export const imageManifestMediaTypes: ReadonlySet<string> = new Set([
  mediaTypes.ociManifest,
  mediaTypes.dockerManifest,
]);
/** Manifests that list other manifests. */
export const indexMediaTypes: ReadonlySet<string> = new Set([
  mediaTypes.ociIndex,
  mediaTypes.dockerManifestList,
]);
/** Everything `PUT /v2/<name>/manifests/<ref>` accepts. */
export const manifestMediaTypes: ReadonlySet<string> = new Set([
  ...imageManifestMediaTypes,
  ...indexMediaTypes,
]);

export function isManifestMediaType(mediaType: string): boolean {
  return manifestMediaTypes.has(mediaType);
}

export function isIndexMediaType(mediaType: string): boolean {
  return indexMediaTypes.has(mediaType);
}

/** Strips parameters (`; charset=utf-8`) and case from a Content-Type value. */
export function normalizeMediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * Non-distributable ("foreign") layers are not pushed to registries, so a manifest may reference
 * them without the blob being present (image-spec layer.md; Docker foreign layers).
 */
export function isNonDistributableLayer(mediaType: string): boolean {
  return mediaType.includes('.nondistributable.') || mediaType.includes('.foreign.');
}

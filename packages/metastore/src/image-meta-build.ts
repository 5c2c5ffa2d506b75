// Builds ImageMeta records from parsed manifest, index and config bodies (zot's convert.GetImageManifestMeta and
// GetImageIndexMeta). Reading the bodies from storage is the caller's job; this only shapes them.
import type { ImageMeta, ManifestMeta, OciJson } from './repo-meta-types.js';

export const OCI_IMAGE_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const DOCKER_IMAGE_CONFIG = 'application/vnd.docker.container.image.v1+json';

export const isIndexMediaType = (mediaType: string): boolean =>
  mediaType === OCI_IMAGE_INDEX || mediaType === DOCKER_MANIFEST_LIST;

/** zot parses the config only when it is an image config (OCI or Docker); artifacts keep `{}`. */
export function configIsImageConfig(manifest: OciJson): boolean {
  const config = manifest.config as { mediaType?: unknown } | undefined;
  return config?.mediaType === OCI_IMAGE_CONFIG || config?.mediaType === DOCKER_IMAGE_CONFIG;
}

export function manifestMetaOf(input: {
  digest: string;
  size: number;
  mediaType: string;
  manifest: OciJson;
  config?: OciJson;
}): ManifestMeta {
  return {
    digest: input.digest,
    size: input.size,
    mediaType: input.mediaType,
    manifest: input.manifest,
    config: input.config ?? {},
  };
}

export function imageMetaOfManifest(manifest: ManifestMeta): ImageMeta {
  return {
    digest: manifest.digest,
    size: manifest.size,
    mediaType: manifest.mediaType,
    manifests: [manifest],
  };
}

/** An index with the children that could be read (absent or nested-index children are left out). */
export function imageMetaOfIndex(input: {
  digest: string;
  size: number;
  mediaType: string;
  index: OciJson;
  children: ManifestMeta[];
}): ImageMeta {
  return {
    digest: input.digest,
    size: input.size,
    mediaType: input.mediaType,
    index: input.index,
    manifests: input.children,
  };
}

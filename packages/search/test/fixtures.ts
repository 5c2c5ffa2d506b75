// Images for the resolver tests, written into a memory RepoMetaStore the way the registry writes pushes.
import { createHash } from 'node:crypto';
import {
  createMemoryRepoMetaBackend,
  createRepoMetaStore,
  createUserPrefsStore,
  type ImageMeta,
  imageMetaOfIndex,
  imageMetaOfManifest,
  type ManifestMeta,
  manifestMetaOf,
  type RepoMetaStore,
  type UserPrefsStore,
} from '@zot-ts/metastore';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

export interface ManifestOptions {
  os?: string;
  arch?: string;
  variant?: string;
  created?: string;
  /** Layer names: the same name gives the same layer digest, so images can share base layers. */
  layers?: string[];
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  author?: string;
  subject?: string;
  artifactType?: string;
  history?: Record<string, unknown>[];
}

export function manifest(name: string, options: ManifestOptions = {}): ManifestMeta {
  const layers = (options.layers ?? [`${name}-layer`]).map((layer) => ({
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    digest: digestOf(layer),
    size: 1000,
  }));
  const body: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {
      mediaType: options.artifactType
        ? 'application/vnd.oci.empty.v1+json'
        : 'application/vnd.oci.image.config.v1+json',
      digest: digestOf(`${name}-config`),
      size: 100,
    },
    layers,
  };
  if (options.annotations) body.annotations = options.annotations;
  if (options.subject) body.subject = { mediaType: OCI_MANIFEST, digest: options.subject, size: 10 };
  if (options.artifactType) body.artifactType = options.artifactType;
  const config: Record<string, unknown> = options.artifactType
    ? {}
    : { os: options.os ?? 'linux', architecture: options.arch ?? 'amd64' };
  if (options.variant) config.variant = options.variant;
  if (options.created) config.created = options.created;
  if (options.author) config.author = options.author;
  if (options.labels) config.config = { Labels: options.labels };
  if (options.history) config.history = options.history;
  return manifestMetaOf({
    digest: digestOf(name),
    size: 500,
    mediaType: OCI_MANIFEST,
    manifest: body,
    config,
  });
}

export const imageOf = (name: string, options: ManifestOptions = {}): ImageMeta =>
  imageMetaOfManifest(manifest(name, options));

export function indexOf(
  name: string,
  children: ManifestMeta[],
  annotations?: Record<string, string>,
): ImageMeta {
  const index: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: children.map((child) => ({ mediaType: OCI_MANIFEST, digest: child.digest, size: child.size })),
  };
  if (annotations) index.annotations = annotations;
  return imageMetaOfIndex({ digest: digestOf(name), size: 300, mediaType: OCI_INDEX, index, children });
}

export interface Stores {
  repos: RepoMetaStore;
  userPrefs: UserPrefsStore;
  push(repo: string, reference: string, image: ImageMeta, at?: string): Promise<void>;
}

export function memoryStores(): Stores {
  const backend = createMemoryRepoMetaBackend();
  const repos = createRepoMetaStore(backend);
  return {
    repos,
    userPrefs: createUserPrefsStore(backend),
    async push(repo, reference, image, at = '2025-01-01T00:00:00Z') {
      for (const child of image.index ? image.manifests : [])
        await repos.setImageMeta(imageMetaOfManifest(child));
      await repos.setRepoReference(repo, reference, image, { at: new Date(at), pushedBy: 'alice' });
    },
  };
}

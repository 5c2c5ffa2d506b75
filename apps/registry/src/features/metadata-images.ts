// Reads what an ImageMeta holds from storage, as zot's SetImageMetaFromInput does: the manifest body, its config
// blob when it is an image config (artifacts keep `{}`), and for an index every child manifest (children that
// are indexes themselves are skipped, as zot skips them). A child already known to the metadata database is taken
// from there instead of storage: a multi-arch push sends the children first.
import {
  configIsImageConfig,
  type ImageMeta,
  imageMetaOfIndex,
  imageMetaOfManifest,
  isIndexMediaType,
  type ManifestMeta,
  type MetaStore,
  manifestMetaOf,
  type OciJson,
} from '@zot-ts/metastore';
import { isManifestMediaType, type RepositoryStore } from '@zot-ts/oci-store';

/** Image configs are small JSON documents; a larger "config" is not one we parse. */
const maxConfigBytes = 4 * 1024 * 1024;

const decoder = new TextDecoder();
const parseJson = (bytes: Uint8Array): OciJson | undefined => {
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as OciJson)
      : undefined;
  } catch {
    return undefined;
  }
};

async function readConfig(repository: RepositoryStore, manifest: OciJson): Promise<OciJson> {
  if (!configIsImageConfig(manifest)) return {};
  const descriptor = manifest.config as { digest?: unknown; size?: unknown };
  if (typeof descriptor.digest !== 'string' || Number(descriptor.size) > maxConfigBytes) return {};
  try {
    const { blobs } = repository;
    if (blobs.content) return parseJson(await blobs.content(descriptor.digest)) ?? {};
    const chunks: Buffer[] = [];
    for await (const chunk of await blobs.read(descriptor.digest)) chunks.push(chunk as Buffer);
    return parseJson(Buffer.concat(chunks)) ?? {};
  } catch {
    return {}; // a missing config: the image is still listed, without its platform and history
  }
}

async function readManifestMeta(
  repository: RepositoryStore,
  digest: string,
): Promise<ManifestMeta | undefined> {
  const stored = await repository.manifests.get(digest);
  const manifest = parseJson(stored.content);
  if (!manifest || isIndexMediaType(stored.mediaType) || !isManifestMediaType(stored.mediaType))
    return undefined;
  return manifestMetaOf({
    digest: stored.digest,
    size: stored.size,
    mediaType: stored.mediaType,
    manifest,
    config: await readConfig(repository, manifest),
  });
}

/** The ImageMeta of manifest `digest` in `repository`; undefined when it is gone or not an image manifest/index. */
export async function readImageMeta(
  repository: RepositoryStore,
  digest: string,
  metaStore: MetaStore,
): Promise<ImageMeta | undefined> {
  const stored = await repository.manifests.get(digest).catch(() => undefined);
  if (!stored) return undefined;
  const body = parseJson(stored.content);
  if (!body) return undefined;
  if (!isIndexMediaType(stored.mediaType)) {
    const manifest = manifestMetaOf({
      digest: stored.digest,
      size: stored.size,
      mediaType: stored.mediaType,
      manifest: body,
      config: await readConfig(repository, body),
    });
    return imageMetaOfManifest(manifest);
  }
  const children: ManifestMeta[] = [];
  const descriptors = Array.isArray(body.manifests)
    ? (body.manifests as { digest?: unknown; mediaType?: unknown }[])
    : [];
  const known = await metaStore.repos.getImageMetas(
    descriptors.flatMap((child) => (typeof child.digest === 'string' ? [child.digest] : [])),
  );
  for (const child of descriptors) {
    if (typeof child.digest !== 'string' || isIndexMediaType(String(child.mediaType))) continue;
    const fromDb = known.get(child.digest);
    const meta =
      fromDb && !fromDb.index
        ? fromDb.manifests[0]
        : await readManifestMeta(repository, child.digest).catch(() => undefined);
    if (meta) children.push(meta);
  }
  return imageMetaOfIndex({
    digest: stored.digest,
    size: stored.size,
    mediaType: stored.mediaType,
    index: body,
    children,
  });
}

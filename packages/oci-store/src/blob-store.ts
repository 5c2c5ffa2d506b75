// Blobs of one repository: stat, ranged reads, delete (refused while referenced), cross-repository mount.
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { linkQuietly, placeBlob } from './blob-placement.js';
import { parseDigest } from './digest.js';
import { OciError } from './errors.js';
import type { EventHub } from './events.js';
import type { IndexView } from './index-cache.js';
import { layout } from './layout.js';
import { assertRepositoryName } from './name.js';
import { readIndexView } from './oci-index.js';
import { assertRangeWithin } from './range.js';
import { loadSummary, referencedDigests } from './references.js';
import { initRepository, type StoreContext } from './store-context.js';
import type { BlobInfo, BlobStore, ByteRange, Digest } from './store-types.js';

/** Blob media types derived from one version of a repository's index.json (see mediaTypeOf). */
const blobMediaTypesByView = new WeakMap<IndexView, Promise<Map<Digest, string>>>();

export function createBlobStore(
  context: StoreContext,
  repository: string,
  events: EventHub = context.events,
): BlobStore {
  const { driver } = context;

  async function stat(digest: Digest): Promise<BlobInfo> {
    const info = await driver.stat(layout.blobPath(repository, digest));
    if (!info || info.isDirectory) throw new OciError('BLOB_UNKNOWN', { detail: { digest } });
    return { digest, size: info.size };
  }

  async function read(digest: Digest, range?: ByteRange): Promise<Readable> {
    const { size } = await stat(digest);
    if (range) assertRangeWithin(range, size);
    // a zero-byte blob has no valid inclusive range; read it whole
    return driver.reader(
      layout.blobPath(repository, digest),
      range ?? (size === 0 ? undefined : { start: 0, end: size - 1 }),
    );
  }

  async function content(digest: Digest): Promise<Uint8Array> {
    const found = await driver.getContent(layout.blobPath(repository, digest));
    if (found === undefined) throw new OciError('BLOB_UNKNOWN', { detail: { digest } });
    return found;
  }

  async function remove(digest: Digest): Promise<void> {
    const path = layout.blobPath(repository, digest);
    await context.locks.withRepoLock(repository, async () => {
      await stat(digest);
      if ((await referencedDigests(context, repository)).has(digest)) {
        throw new OciError('BLOB_IN_USE', { detail: { digest } });
      }
      context.blobDeletions += 1;
      await context.locks.withDigestLock(digest, () => driver.delete(path));
      context.locator.remove(digest, path);
    });
    events.emit({ type: 'blobDeleted', repository, digest });
  }

  async function mount(digest: Digest, fromRepository: string): Promise<boolean> {
    parseDigest(digest);
    assertRepositoryName(fromRepository);
    const source = context.repositoryOf(fromRepository);
    const sourceInfo = await source.blobs.stat(digest).catch(() => undefined);
    if (!sourceInfo) return false;
    if (fromRepository === repository) return true;
    await initRepository(context, repository, events);
    const destination = layout.blobPath(repository, digest);
    // a mounted blob is young for GC, even when it was here already or the link keeps an old mtime
    const alreadyHere = await context.locks.withDigestLock(digest, async () => {
      context.blobTouches.touch(destination);
      return (await driver.stat(destination)) !== undefined;
    });
    if (alreadyHere) return true;
    if (source.context === context) {
      const sourcePath = layout.blobPath(fromRepository, digest);
      const linked = await context.locks.withDigestLock(digest, async () => {
        context.blobTouches.touch(destination);
        return linkQuietly(context, sourcePath, destination);
      });
      if (linked || (await driver.stat(destination))) {
        context.locator.add(digest, destination);
        events.emit({ type: 'blobWritten', repository, digest, size: sourceInfo.size, deduped: true });
        return true;
      }
    }
    // another root (subPath on another disk) or no hard links: copy through an upload, verified by digest
    const { algorithm, hex } = parseDigest(digest);
    const uploadPath = layout.uploadPath(repository, `mount-${randomUUID()}`);
    const writer = await driver.writer(uploadPath);
    try {
      const hash = createHash(algorithm);
      for await (const chunk of await source.blobs.read(digest)) {
        hash.update(chunk as Buffer);
        await writer.write(chunk as Buffer);
      }
      if (hash.digest('hex') !== hex)
        throw new OciError('BLOB_UNKNOWN', { detail: { digest, reason: 'source corrupt' } });
      await writer.commit();
    } catch (error) {
      await writer.cancel();
      throw error;
    }
    await placeBlob(context, repository, uploadPath, digest);
    events.emit({ type: 'blobWritten', repository, digest, size: sourceInfo.size, deduped: false });
    return true;
  }

  async function mediaTypeOf(digest: Digest): Promise<string | undefined> {
    const view = await readIndexView(driver, repository);
    if (!view) return undefined;
    let mediaTypes = blobMediaTypesByView.get(view);
    if (mediaTypes === undefined) {
      // one walk for all the concurrent GETs of this version; a failed walk is not kept
      mediaTypes = blobMediaTypesOf(view.index);
      blobMediaTypesByView.set(view, mediaTypes);
      mediaTypes.catch(() => blobMediaTypesByView.delete(view));
    }
    return (await mediaTypes).get(digest);
  }

  /**
   * Every blob the index's manifests name, with the media type the first of them gives it (manifests
   * first, then configs and layers in index order): built once per version of index.json, so a blob GET
   * costs a map lookup, not a walk over every manifest of the repository.
   */
  async function blobMediaTypesOf(index: IndexView['index']): Promise<Map<Digest, string>> {
    const mediaTypes = new Map<Digest, string>();
    for (const descriptor of index.manifests)
      if (!mediaTypes.has(descriptor.digest)) mediaTypes.set(descriptor.digest, descriptor.mediaType);
    for (const descriptor of index.manifests) {
      const summary = await loadSummary(context, repository, descriptor);
      if (!summary) continue;
      const { config } = summary;
      if (config !== undefined && !mediaTypes.has(config.digest))
        mediaTypes.set(config.digest, config.mediaType);
      for (const layer of summary.layers)
        if (!mediaTypes.has(layer.digest)) mediaTypes.set(layer.digest, layer.mediaType);
    }
    return mediaTypes;
  }

  return { stat, read, content, delete: remove, mount, mediaTypeOf };
}

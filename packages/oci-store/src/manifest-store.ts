// Manifests of one repository (distribution-spec, "Pushing manifests" / "Pulling manifests" / "Deleting").
// A manifest is stored as a blob under its digest, then index.json is updated under the repository lock:
// a crash between the two leaves only an unreferenced blob, never a torn index or a dangling tag.
import { cleanDescriptor, tagOfDescriptor } from './descriptor.js';
import { digestOf } from './digest.js';
import { OciError } from './errors.js';
import type { EventHub } from './events.js';
import { layout } from './layout.js';
import { parseManifest, requiredDigests } from './manifest-parse.js';
import {
  emptyIndex,
  findByDigest,
  type OciIndex,
  pointAt,
  readIndex,
  readIndexView,
  writeIndex,
} from './oci-index.js';
import { parseReference, tryParseReference } from './reference.js';
import { isOptionalLayer, referencedDigests } from './references.js';
import { initRepository, type StoreContext } from './store-context.js';
import type { Descriptor, ManifestStore, PutManifestResult, StoredManifest } from './store-types.js';
import { assertTag } from './tag.js';

export function createManifestStore(
  context: StoreContext,
  repository: string,
  events: EventHub = context.events,
): ManifestStore {
  const { driver } = context;

  async function existingIndex(): Promise<OciIndex> {
    const index = await readIndex(driver, repository);
    if (!index) throw new OciError('NAME_UNKNOWN', { detail: { name: repository } });
    return index;
  }

  async function describe(reference: string): Promise<Descriptor> {
    const view = await readIndexView(driver, repository);
    if (!view) throw new OciError('NAME_UNKNOWN', { detail: { name: repository } });
    // as zot and distribution: a malformed reference names no manifest (404 MANIFEST_UNKNOWN, not 400);
    // the conformance suite's "nonexistent manifest" is `.INVALID_MANIFEST_NAME`
    const parsed = tryParseReference(reference);
    if (!parsed) throw new OciError('MANIFEST_UNKNOWN', { detail: { reference: reference.slice(0, 200) } });
    const descriptor = parsed.kind === 'tag' ? view.byTag(parsed.tag) : view.byDigest(parsed.digest);
    if (!descriptor) throw new OciError('MANIFEST_UNKNOWN', { detail: { reference } });
    return descriptor;
  }

  async function stat(reference: string): Promise<Omit<StoredManifest, 'content'>> {
    const { digest, mediaType, size } = await describe(reference);
    return { digest, mediaType, size };
  }

  async function get(reference: string): Promise<StoredManifest> {
    const { digest, mediaType } = await describe(reference);
    const blobPath = layout.blobPath(repository, digest);
    // read before the disk: a deletion after this point bumps the generation and drops what we keep
    const generation = context.blobDeletions;
    // Several instances: another one's deletion does not move this counter, but `describe` above read index.json
    // (cached only per file version), so the digest is live; a body under a digest never changes.
    const cached = context.manifestBodies.get(blobPath, generation);
    if (cached !== undefined) return { digest, mediaType, content: cached, size: cached.byteLength };
    const content = await driver.getContent(blobPath);
    if (!content)
      throw new OciError('MANIFEST_UNKNOWN', { detail: { reference, reason: 'manifest blob missing' } });
    context.manifestBodies.set(blobPath, content, generation);
    return { digest, mediaType, content, size: content.byteLength };
  }

  async function put(
    reference: string,
    mediaType: string,
    content: Uint8Array,
    options: { tags?: string[] } = {},
  ): Promise<PutManifestResult> {
    const parsed = parseReference(reference, 'MANIFEST_INVALID');
    const tags = [...(parsed.kind === 'tag' ? [parsed.tag] : []), ...(options.tags ?? []).map(assertTag)];
    if (content.byteLength > context.maxManifestSize) {
      throw new OciError('SIZE_TOO_LARGE', {
        detail: { size: content.byteLength, limit: context.maxManifestSize },
      });
    }
    const digest = digestOf(content, parsed.kind === 'digest' ? parsed.algorithm : 'sha256');
    if (parsed.kind === 'digest' && digest !== parsed.digest) {
      throw new OciError('DIGEST_INVALID', { detail: { digest: parsed.digest, actual: digest } });
    }
    const summary = parseManifest(mediaType, content);
    const required = requiredDigests(summary, isOptionalLayer);
    const deletionsBeforeCheck = context.blobDeletions;
    await assertBlobsPresent(required);
    await initRepository(context, repository, events);
    const blobPath = layout.blobPath(repository, digest);
    const storeManifestBlob = () =>
      context.locks.withDigestLock(digest, async () => {
        context.blobTouches.touch(blobPath);
        if (!(await driver.stat(blobPath))) await driver.putContent(blobPath, content);
      });
    await storeManifestBlob();
    context.locator.add(digest, blobPath);
    context.summaries.set(digest, summary);

    const descriptor: Descriptor = { mediaType: summary.mediaType, digest, size: content.byteLength };
    const tagExisted = await context.locks.withRepoLock(repository, async () => {
      // GC decides and deletes under this lock: when it deleted anything since the checks above, check
      // again, so index.json never names a manifest whose blobs went in between. Locks shared between instances
      // (checkFence present) mean another instance's GC may have deleted without moving our counter: check always
      if (context.blobDeletions !== deletionsBeforeCheck || context.locks.checkFence !== undefined) {
        await assertBlobsPresent(required);
        await storeManifestBlob();
      }
      const index = (await readIndex(driver, repository)) ?? emptyIndex();
      let changed = false;
      let moved = false;
      for (const tag of tags.length > 0 ? tags : [undefined]) {
        const outcome = pointAt(index, descriptor, tag);
        changed ||= outcome.changed;
        moved ||= outcome.previous !== undefined;
      }
      if (changed) {
        await context.locks.checkFence?.(repository);
        await writeIndex(driver, repository, index);
      }
      return moved;
    });

    const subject = summary.subject?.digest;
    events.emit({
      type: 'manifestPut',
      repository,
      digest,
      mediaType: summary.mediaType,
      ...(tags[0] !== undefined ? { tag: tags[0] } : {}),
      ...(tags.length > 1 ? { tags: [...tags] } : {}),
      ...(subject !== undefined ? { subject } : {}),
      ...(summary.artifactType !== undefined ? { artifactType: summary.artifactType } : {}),
    });
    return { digest, tagExisted, ...(subject !== undefined ? { subject } : {}) };
  }

  async function assertBlobsPresent(digests: Iterable<string>): Promise<void> {
    for (const required of digests) {
      if (!(await driver.stat(layout.blobPath(repository, required)))) {
        throw new OciError('MANIFEST_BLOB_UNKNOWN', { detail: { digest: required } });
      }
    }
  }

  async function remove(reference: string, options: { detectCollision?: boolean } = {}): Promise<void> {
    const parsed = parseReference(reference, 'MANIFEST_UNKNOWN');
    const removed = await context.locks.withRepoLock(repository, async () => {
      const index = await existingIndex();
      const matches = (entry: Descriptor): boolean =>
        parsed.kind === 'tag' ? tagOfDescriptor(entry) === parsed.tag : entry.digest === parsed.digest;
      const gone = index.manifests.filter(matches);
      const first = gone[0];
      if (!first) throw new OciError('MANIFEST_UNKNOWN', { detail: { reference } });
      // zot (RemoveManifestDescByReference): more than one entry for the reference is a collision
      if (options.detectCollision === true && gone.length > 1) {
        throw new OciError('MANIFEST_INVALID', {
          detail: { reference, reason: 'multiple manifests found', entries: gone.length },
        });
      }
      index.manifests = index.manifests.filter((entry) => !matches(entry));
      if (parsed.kind === 'tag' && !findByDigest(index, first.digest)) {
        // zot (RemoveManifestDescByReference): deleting the last tag keeps the manifest, untagged
        const untagged = cleanDescriptor(first);
        delete untagged.annotations;
        index.manifests.push(untagged);
      }
      await context.locks.checkFence?.(repository);
      await writeIndex(driver, repository, index);
      if (
        parsed.kind === 'digest' &&
        !(await referencedDigests(context, repository, index)).has(parsed.digest)
      ) {
        const blobPath = layout.blobPath(repository, parsed.digest);
        context.blobDeletions += 1;
        await driver.delete(blobPath);
        context.locator.remove(parsed.digest, blobPath);
      }
      return gone;
    });
    for (const entry of removed) {
      const tag = tagOfDescriptor(entry);
      if (tag !== undefined)
        events.emit({
          type: 'tagDeleted',
          repository,
          tag,
          digest: entry.digest,
          mediaType: entry.mediaType,
        });
    }
    if (parsed.kind === 'digest') {
      const mediaType = removed[0]?.mediaType;
      events.emit({
        type: 'manifestDeleted',
        repository,
        digest: parsed.digest,
        ...(mediaType === undefined ? {} : { mediaType }),
      });
    }
  }

  return { get, stat, put, delete: remove };
}

// GC under load: pushes and GC runs interleave for a few seconds, then every image still tagged must
// pull and verify. The delay is short (300 ms) and every push shares a base layer hard-linked from an
// inode that is hours old, so only the store's own record of recent placements keeps those links alive
// between a push's blob upload and its manifest put; deleted images keep GC busy all along.
import { createHash } from 'node:crypto';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGcJob } from '../src/gc/gc-job.js';
import { createInProcessLocks, type Locks } from '../src/locks.js';
import { mediaTypes } from '../src/media-types.js';
import type { Store } from '../src/store-types.js';
import { blobOf, chunksOf, imageOf, makeTestStore, pushImage, readAll, type TestImage } from './fixtures.js';
import { HOUR, jobLater } from './gc-fixtures.js';

const baseLayer = blobOf(Buffer.alloc(64 * 1024, 7));

/** An image over the shared base layer and one layer of its own. */
function imageOnBase(seed: string): TestImage {
  const own = blobOf(`${seed}-own-layer`);
  const image = imageOf(seed, 0, {
    layers: [baseLayer, own].map((layer) => ({
      mediaType: mediaTypes.ociLayerGzip,
      digest: layer.digest,
      size: layer.size,
    })),
  });
  return { ...image, layers: [baseLayer, own] };
}

async function verifyPull(store: Store, repository: string, tag: string, image: TestImage): Promise<void> {
  const repo = store.repository(repository);
  const manifest = await repo.manifests.get(tag);
  expect(Buffer.from(manifest.content).equals(image.manifest)).toBe(true);
  for (const blob of [image.config, ...image.layers]) {
    const content = await readAll(await repo.blobs.read(blob.digest));
    expect(`sha256:${createHash('sha256').update(content).digest('hex')}`).toBe(blob.digest);
  }
}

describe('GC under concurrent pushes (local disk, dedupe)', () => {
  let store: Store;
  let root: string;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ store, root, dispose } = await makeTestStore('local'));
  });
  afterEach(() => dispose());

  it('GcJob > pushes and GC every 100 ms for 3 s: every image still tagged pulls and verifies', async () => {
    const keeper = imageOnBase('keeper');
    await pushImage(store.repository('base/keeper'), keeper, 'v1');
    const longAgo = new Date(Date.now() - 3 * HOUR);
    await utimes(join(root, 'base/keeper/blobs/sha256', baseLayer.digest.slice(7)), longAgo, longAgo);

    const job = createGcJob({ store, delayMs: 300 });
    const deadline = Date.now() + 3_000;
    let gcRuns = 0;
    let blobsCollected = 0;
    const gcFailures: string[] = [];
    const gcLoop = (async () => {
      while (Date.now() < deadline) {
        const summary = await job.runAll();
        gcRuns += 1;
        blobsCollected += summary.blob;
        gcFailures.push(...summary.failures.map((failure) => `${failure.repository}: ${failure.error}`));
        await sleep(100);
      }
    })();

    const live: Array<{ repository: string; tag: string; image: TestImage }> = [];
    const pusher = async (worker: number) => {
      const repository = `team-${worker}/app`;
      const repo = store.repository(repository);
      const pushed: TestImage[] = [];
      for (let round = 0; Date.now() < deadline; round += 1) {
        // deleting the previous image first leaves this repository's base-layer link unreferenced (and,
        // by mtime, hours old) until the manifest below is put: GC must still not take it
        const previous = pushed[round - 1];
        if (previous) await repo.manifests.delete(previous.digest);
        const image = imageOnBase(`${repository}-${round}`);
        for (const blob of [image.config, ...image.layers])
          await repo.uploads.putBlob(chunksOf(blob.content), blob.digest);
        await sleep(Math.random() * 40); // the window in which GC could take a blob from under the push
        await repo.manifests.put(`v${round}`, mediaTypes.ociManifest, image.manifest);
        pushed.push(image);
        if (round % 3 === 0) await repo.uploads.start(); // abandoned upload sessions
      }
      const last = pushed[pushed.length - 1];
      if (last) live.push({ repository, tag: `v${pushed.length - 1}`, image: last });
    };
    await Promise.all([pusher(1), pusher(2), pusher(3), gcLoop]);

    expect(gcFailures).toEqual([]);
    expect(gcRuns).toBeGreaterThan(5);
    expect(blobsCollected).toBeGreaterThan(0);
    expect(live.length).toBe(3);
    for (const { repository, tag, image } of live) await verifyPull(store, repository, tag, image);
    await verifyPull(store, 'base/keeper', 'v1', keeper);

    // once everything is old, a last run leaves exactly the live images, and the store is intact
    const { job: finalJob } = jobLater(store);
    await finalJob.runAll();
    expect((await store.scrub()).findings).toEqual([]);
    for (const { repository, tag, image } of live) await verifyPull(store, repository, tag, image);
  }, 20_000);

  it('ManifestStore > put re-checks its blobs under the repository lock when GC deleted blobs meanwhile', async () => {
    // GC wins the race: it runs right before the put takes the repository lock to write index.json
    let beforeRepoLock: (() => Promise<void>) | undefined;
    const inner = createInProcessLocks();
    const locks: Locks = {
      ...inner,
      async withRepoLock(repository, work) {
        const hook = beforeRepoLock;
        beforeRepoLock = undefined;
        await hook?.();
        return inner.withRepoLock(repository, work);
      },
    };
    const directory = await makeTestStore('local', { locks });
    try {
      const repo = directory.store.repository('app');
      await pushImage(repo, imageOf('existing'), 'v1');
      const image = imageOf('raced');
      for (const blob of [image.config, ...image.layers])
        await repo.uploads.putBlob(chunksOf(blob.content), blob.digest);
      const { job } = jobLater(directory.store);
      beforeRepoLock = async () => {
        // config, layer, and the manifest blob the put stored before taking the lock
        expect(await job.runRepository('app')).toMatchObject({ blob: 3 });
      };
      await expect(repo.manifests.put('v2', mediaTypes.ociManifest, image.manifest)).rejects.toMatchObject({
        code: 'MANIFEST_BLOB_UNKNOWN',
      });
      expect((await repo.tags.list()).tags).toEqual(['v1']);
      expect((await directory.store.scrub()).findings).toEqual([]);
    } finally {
      await directory.dispose();
    }
  });
});

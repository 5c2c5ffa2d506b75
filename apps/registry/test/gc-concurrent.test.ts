// Issue 9, "safe under load": pushes over HTTP while the server's scheduled GC runs every 200 ms for a few
// seconds, with a real clock and gcDelay 1s, so young blobs of in-flight pushes sit next to real garbage
// (untagged images whose blobs GC removes meanwhile, some layers shared with new pushes across repositories
// and deduplicated). Afterwards every image still tagged pulls and verifies by digest.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  blobsOnDisk,
  digestsOf,
  type GcImage,
  gcFeatureOf,
  gcImage,
  layerOf,
  manifestStatus,
  pullAndVerify,
  pushImage,
} from './gc-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

let registry: TestRegistry | undefined;
afterEach(async () => {
  await registry?.dispose();
  registry = undefined;
});

const LOOP_MS = 3000;
const WORKERS = 3;

describe('GC concurrent with pushes', () => {
  it('never breaks a push nor a tagged image while passes run every 200 ms', async () => {
    registry = await startTestRegistry({
      storage: { gc: true, dedupe: true, gcDelay: '1s', gcInterval: '200ms' },
    });
    const { url } = registry;
    const gc = gcFeatureOf(registry);
    const sharedLayers = [layerOf('base-a', 4096), layerOf('base-b', 4096)];
    const kept: Array<{ repository: string; tag: string; image: GcImage }> = [];
    const untagged: Array<{ repository: string; image: GcImage }> = [];
    const passesBefore = [...gc.gc.schedules.values()][0]?.passes ?? 0;

    // what the passes removed while the pushes were still running
    let removedDuringLoop = { manifest: 0, blob: 0 };
    const unsubscribe = registry.registry.store.subscribe((event) => {
      if (event.type !== 'gcRun' || Date.now() > deadline) return;
      removedDuringLoop = {
        manifest: removedDuringLoop.manifest + event.deleted.manifest,
        blob: removedDuringLoop.blob + event.deleted.blob,
      };
    });
    const deadline = Date.now() + LOOP_MS;
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, worker) => {
        for (let round = 0; Date.now() < deadline; round++) {
          const repository = `load/w${worker}/r${round % 2}`;
          const base = sharedLayers[round % sharedLayers.length] as Buffer;
          const image = gcImage(`w${worker}-r${round}`, [base, layerOf(`w${worker}-r${round}-top`, 1024)]);
          await pushImage(url, repository, image, `t${round}`);
          // every third image is untagged again: garbage for the passes to come
          if (round % 3 === 2) {
            expect(
              (await fetch(`${url}/v2/${repository}/manifests/t${round}`, { method: 'DELETE' })).status,
            ).toBe(202);
            untagged.push({ repository, image });
          } else kept.push({ repository, tag: `t${round}`, image });
        }
      }),
    );
    const passesDuring = ([...gc.gc.schedules.values()][0]?.passes ?? 0) - passesBefore;
    expect(passesDuring).toBeGreaterThanOrEqual(5);
    expect(kept.length).toBeGreaterThan(10);
    unsubscribe();
    expect(removedDuringLoop.manifest).toBeGreaterThan(0);
    expect(removedDuringLoop.blob).toBeGreaterThan(removedDuringLoop.manifest);

    // let the last garbage age past gcDelay, and one more pass collect it
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await gc.gc.nextPass();
    for (const { repository, tag, image } of kept) {
      await pullAndVerify(url, repository, image, tag);
      await pullAndVerify(url, repository, image, image.digest);
    }
    for (const { repository, image } of untagged)
      expect(await manifestStatus(url, repository, image.digest)).toBe(404);
    // nothing but the kept images' blobs is left on disk
    const root = join(registry.directory, 'data');
    for (const repository of new Set(kept.map((entry) => entry.repository))) {
      const expected = new Set<string>();
      for (const entry of kept.filter((k) => k.repository === repository))
        for (const digest of digestsOf(entry.image)) expected.add(digest);
      expect(blobsOnDisk(root, repository)).toEqual([...expected].sort());
    }
  }, 20_000);
});

// GC under load with two other processes on one root (cross-process stores, as the registry's workers):
// this process runs GC every 100 ms for 3 s with a 300 ms delay while two child processes push images over
// a base layer hard-linked from an inode hours old, deleting the previous image each round. Only the shared
// record of recent placements (SharedBlobTouches) keeps another process's fresh link alive until its manifest
// arrives, and the shared deletion generation makes a put re-check what GC deleted meanwhile. Every push must
// succeed, and every image still tagged must pull and verify.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { coordinationDirectoryOf } from '../src/coordination-dir.js';
import { createGcJob } from '../src/gc/gc-job.js';
import { mediaTypes } from '../src/media-types.js';
import { createStore } from '../src/store.js';
import type { Store } from '../src/store-types.js';
import { blobOf, imageOf, pushImage, readAll, temporaryDirectory } from './fixtures.js';
import { HOUR, jobLater } from './gc-fixtures.js';

const childScript = fileURLToPath(new URL('./gc-pusher-child.ts', import.meta.url));
const baseLayer = blobOf(Buffer.alloc(64 * 1024, 7));

function pusher(root: string, worker: number, durationMs: number) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', childScript, root, String(worker), String(durationMs)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString();
    });
    child.stderr.on('data', (data: Buffer) => {
      output += data.toString();
    });
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** The manifest under `tag` and every blob it names read back and checked against their digests. */
async function verifyPull(store: Store, repository: string, tag: string, digest: string): Promise<void> {
  const repo = store.repository(repository);
  const manifest = await repo.manifests.get(tag);
  expect(manifest.digest).toBe(digest);
  const parsed = JSON.parse(Buffer.from(manifest.content).toString()) as {
    config: { digest: string };
    layers: Array<{ digest: string }>;
  };
  for (const blob of [parsed.config, ...parsed.layers]) {
    const content = await readAll(await repo.blobs.read(blob.digest));
    expect(`sha256:${createHash('sha256').update(content).digest('hex')}`).toBe(blob.digest);
  }
}

describe('GC with pushes from two other processes on one root', () => {
  const directory = temporaryDirectory();
  afterAll(async () => {
    rmSync(coordinationDirectoryOf((await directory).path), { recursive: true, force: true });
    await (await directory).remove();
  });

  it('every push succeeds and every image still tagged pulls and verifies', async () => {
    const root = (await directory).path;
    const store = createStore({ rootDirectory: root, crossProcess: true });
    const keeper = imageOf('keeper', 0, {
      layers: [{ mediaType: mediaTypes.ociLayerGzip, digest: baseLayer.digest, size: baseLayer.size }],
    });
    await pushImage(store.repository('base/keeper'), { ...keeper, layers: [baseLayer] }, 'v1');
    const longAgo = new Date(Date.now() - 3 * HOUR);
    await utimes(join(root, 'base/keeper/blobs/sha256', baseLayer.digest.slice(7)), longAgo, longAgo);

    const job = createGcJob({ store, delayMs: 300 });
    const pushers = [pusher(root, 1, 3_000), pusher(root, 2, 3_000)];
    let gcRuns = 0;
    let blobsCollected = 0;
    const gcFailures: string[] = [];
    let pushing = true;
    const all = Promise.all(pushers).finally(() => {
      pushing = false;
    });
    while (pushing) {
      const summary = await job.runAll();
      gcRuns += 1;
      blobsCollected += summary.blob;
      gcFailures.push(...summary.failures.map((failure) => `${failure.repository}: ${failure.error}`));
      await sleep(100);
    }
    const results = await all;

    for (const result of results) expect(result.code, result.output).toBe(0);
    expect(gcFailures).toEqual([]);
    expect(gcRuns).toBeGreaterThan(5);
    expect(blobsCollected).toBeGreaterThan(0);
    const live = results.map((result) => {
      const [, repository = '', tag = '', digest = '', rounds = '0'] =
        /live .*/.exec(result.output)?.[0].split(' ') ?? [];
      expect(Number(rounds)).toBeGreaterThan(3);
      return { repository, tag, digest };
    });
    for (const { repository, tag, digest } of live) await verifyPull(store, repository, tag, digest);
    await verifyPull(store, 'base/keeper', 'v1', keeper.digest);

    // once everything is old, a last run leaves exactly the live images, and the store is intact
    const { job: finalJob } = jobLater(store);
    await finalJob.runAll();
    expect((await store.scrub()).findings).toEqual([]);
    for (const { repository, tag, digest } of live) await verifyPull(store, repository, tag, digest);
  }, 30_000);
});

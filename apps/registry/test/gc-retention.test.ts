// Issue 9, retention through the real server: push and pull times recorded from real HTTP pushes and
// pulls decide keepTags (mostRecentlyPushedCount, mostRecentlyPulledCount), and retention.dryRun only
// reports. The injected clock spaces the pushes and then moves past gcDelay.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  blobsOnDisk,
  digestsOf,
  gcFeatureOf,
  gcImage,
  HOUR,
  logLines,
  manifestStatus,
  movableClock,
  pullAndVerify,
  pushImage,
  tagsOf,
} from './gc-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

let registry: TestRegistry | undefined;
let logDirectory: string | undefined;
afterEach(async () => {
  await registry?.dispose();
  registry = undefined;
  if (logDirectory !== undefined) rmSync(logDirectory, { recursive: true, force: true });
  logDirectory = undefined;
});

const MINUTE = 60_000;

async function startWithRetention(
  retention: Record<string, unknown>,
  clock: ReturnType<typeof movableClock>,
) {
  logDirectory = mkdtempSync(join(tmpdir(), 'zot-retention-log-'));
  const output = join(logDirectory, 'zot.log');
  registry = await startTestRegistry(
    { storage: { gc: true, gcDelay: '1h', gcInterval: '1h', retention }, log: { level: 'info', output } },
    { now: clock.now },
  );
  await gcFeatureOf(registry).gc.runNow(); // let the start-up pass (empty store) finish
  return { running: registry, output };
}

describe('retention on the running server', () => {
  it('keepTags mostRecentlyPushedCount: 1 deletes the older tag, by push times recorded from HTTP pushes', async () => {
    const clock = movableClock();
    const { running } = await startWithRetention(
      { policies: [{ repositories: ['**'], keepTags: [{ mostRecentlyPushedCount: 1 }] }] },
      clock,
    );
    const older = gcImage('older');
    const newer = gcImage('newer');
    await pushImage(running.url, 'ret/app', older, 'v1');
    clock.advance(MINUTE);
    await pushImage(running.url, 'ret/app', newer, 'v2');
    const gc = gcFeatureOf(running);
    await gc.gc.tagTimes.flush();
    expect((await running.registry.metaStore.tagTimes.list('ret/app')).map((t) => t.tag)).toEqual([
      'v1',
      'v2',
    ]);

    clock.advance(2 * HOUR);
    await gc.gc.runNow();
    expect(await tagsOf(running.url, 'ret/app')).toEqual(['v2']);
    // the tag went, then its now untagged manifest and blobs (older than gcDelay by the clock)
    expect(await manifestStatus(running.url, 'ret/app', older.digest)).toBe(404);
    expect(blobsOnDisk(join(running.directory, 'data'), 'ret/app')).toEqual([...digestsOf(newer)].sort());
    await pullAndVerify(running.url, 'ret/app', newer, 'v2');
    // GC's tag deletion reached the metastore: v1's times are forgotten
    await gc.gc.tagTimes.flush();
    expect((await running.registry.metaStore.tagTimes.list('ret/app')).map((t) => t.tag)).toEqual(['v2']);
  });

  it('keepTags mostRecentlyPulledCount: 1 keeps the tag pulled over HTTP, even when it is the older push', async () => {
    const clock = movableClock();
    const { running } = await startWithRetention(
      { policies: [{ repositories: ['ret/**'], keepTags: [{ mostRecentlyPulledCount: 1 }] }] },
      clock,
    );
    const pulled = gcImage('pulled');
    const ignored = gcImage('ignored');
    await pushImage(running.url, 'ret/pulls', pulled, 'v1');
    clock.advance(MINUTE);
    await pushImage(running.url, 'ret/pulls', ignored, 'v2');
    clock.advance(MINUTE);
    await pullAndVerify(running.url, 'ret/pulls', pulled, 'v1');

    await gcFeatureOf(running).gc.runNow();
    expect(await tagsOf(running.url, 'ret/pulls')).toEqual(['v1']);
    await pullAndVerify(running.url, 'ret/pulls', pulled, 'v1');
  });

  it('retention.dryRun deletes nothing and logs what it would delete', async () => {
    const clock = movableClock();
    const { running, output } = await startWithRetention(
      { dryRun: true, policies: [{ repositories: ['**'], keepTags: [{ mostRecentlyPushedCount: 1 }] }] },
      clock,
    );
    const older = gcImage('dry-older');
    const newer = gcImage('dry-newer');
    await pushImage(running.url, 'dry/app', older, 'v1');
    clock.advance(MINUTE);
    await pushImage(running.url, 'dry/app', newer, 'v2');
    const onDisk = blobsOnDisk(join(running.directory, 'data'), 'dry/app');

    clock.advance(2 * HOUR);
    await gcFeatureOf(running).gc.runNow();
    expect(await tagsOf(running.url, 'dry/app')).toEqual(['v1', 'v2']);
    expect(blobsOnDisk(join(running.directory, 'data'), 'dry/app')).toEqual(onDisk);
    await pullAndVerify(running.url, 'dry/app', older, 'v1');

    await running.close();
    const reported = logLines(output).filter((line) => line.module === 'gc' && line.kind !== undefined);
    expect(reported).toContainEqual(
      expect.objectContaining({ kind: 'tag', reference: 'v1', decision: 'keep', dryRun: true }),
    );
    expect(reported.filter((line) => line.decision === 'delete')).toEqual([]);
  });
});

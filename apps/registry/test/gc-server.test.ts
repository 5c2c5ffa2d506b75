// Issue 9, GC through the real server: storage.gc schedules a pass every gcInterval per storage root, the
// pass removes exactly the untagged image and its unshared blobs once older than gcDelay, every removal is
// logged as an audit line, and /metrics counts the pass. The clock is injected and moved past gcDelay.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSampleValue, parsePrometheusText } from '@zot-ts/gc-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import {
  blobsOnDisk,
  digestsOf,
  gcFeatureOf,
  gcImage,
  HOUR,
  layerOf,
  logLines,
  manifestStatus,
  movableClock,
  pullAndVerify,
  pushImage,
} from './gc-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

let registry: TestRegistry | undefined;
const scratch: string[] = [];
afterEach(async () => {
  await registry?.dispose();
  registry = undefined;
  for (const directory of scratch.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function logPath(): string {
  const directory = mkdtempSync(join(tmpdir(), 'zot-gc-log-'));
  scratch.push(directory);
  return join(directory, 'zot.log');
}

describe('scheduled GC on the running server', () => {
  it('removes the untagged image and its unshared blobs once older than gcDelay, and the live image still pulls', async () => {
    const clock = movableClock();
    const output = logPath();
    registry = await startTestRegistry(
      { storage: { gc: true, gcDelay: '1h', gcInterval: '100ms' }, log: { level: 'info', output } },
      { now: clock.now },
    );
    const { url } = registry;
    const root = join(registry.directory, 'data');
    const shared = layerOf('shared base layer', 2048);
    const live = gcImage('live', [shared, layerOf('live top')]);
    const dropped = gcImage('dropped', [shared, layerOf('dropped top')]);
    await pushImage(url, 'app', live, 'v1');
    await pushImage(url, 'app', dropped, 'v2');
    expect((await fetch(`${url}/v2/app/manifests/v2`, { method: 'DELETE' })).status).toBe(202);

    const gc = gcFeatureOf(registry);
    // younger than gcDelay: a pass keeps everything, the untagged manifest included
    await gc.gc.nextPass();
    expect(blobsOnDisk(root, 'app')).toEqual(
      [...new Set([...digestsOf(live), ...digestsOf(dropped)])].sort(),
    );

    clock.advance(2 * HOUR);
    await gc.gc.nextPass();
    expect(blobsOnDisk(root, 'app')).toEqual([...digestsOf(live)].sort());
    expect(await manifestStatus(url, 'app', dropped.digest)).toBe(404);
    await pullAndVerify(url, 'app', live, 'v1');
    await pullAndVerify(url, 'app', live, live.digest);

    await registry.close();
    const audit = logLines(output).filter((line) => line.module === 'gc' && line.decision === 'delete');
    expect(audit.map((line) => `${line.kind} ${line.digest}`).sort()).toEqual(
      [
        `manifest ${dropped.digest}`,
        ...digestsOf(dropped)
          .filter((digest) => !digestsOf(live).includes(digest))
          .map((digest) => `blob ${digest}`),
      ].sort(),
    );
    for (const line of audit) {
      expect(line).toMatchObject({ level: 'info', repository: 'app', storageRoot: '/' });
      expect(line.reason).toEqual(expect.any(String));
    }
    const passes = logLines(output).filter((line) => line.message === 'gc pass finished');
    expect(passes.some((line) => (line.deleted as { manifest: number }).manifest === 1)).toBe(true);
  });

  it('collects each storage root with its own gcDelay', async () => {
    const clock = movableClock();
    const subDirectory = mkdtempSync(join(tmpdir(), 'zot-gc-sub-'));
    scratch.push(subDirectory);
    registry = await startTestRegistry(
      {
        storage: {
          gc: true,
          gcDelay: '1h',
          gcInterval: '100ms',
          subPaths: {
            '/slow': {
              rootDirectory: join(subDirectory, 'slow'),
              gc: true,
              gcDelay: '3h',
              gcInterval: '100ms',
            },
          },
        },
      },
      { now: clock.now },
    );
    const { url } = registry;
    expect([...gcFeatureOf(registry).gc.schedules.keys()]).toEqual(['/', '/slow']);
    const fast = gcImage('fast');
    const slow = gcImage('slow');
    await pushImage(url, 'fast/app', fast, fast.digest);
    await pushImage(url, 'slow/app', slow, slow.digest);

    clock.advance(2 * HOUR);
    await gcFeatureOf(registry).gc.nextPass();
    expect(await manifestStatus(url, 'fast/app', fast.digest)).toBe(404);
    expect(await manifestStatus(url, 'slow/app', slow.digest)).toBe(200);

    clock.advance(2 * HOUR);
    await gcFeatureOf(registry).gc.nextPass();
    expect(await manifestStatus(url, 'slow/app', slow.digest)).toBe(404);
  });

  it('runs no GC when storage.gc is off', async () => {
    registry = await startTestRegistry({ storage: { gc: false } });
    expect(gcFeatureOf(registry).gc.schedules.size).toBe(0);
  });

  it('shows the scheduled pass in /metrics: runs, duration and deleted counts by type matching the deletions', async () => {
    const clock = movableClock();
    registry = await startTestRegistry(
      { storage: { gc: true, gcDelay: '1h', gcInterval: '1h' }, extensions: { metrics: { enable: true } } },
      { now: clock.now },
    );
    const { url } = registry;
    const root = join(registry.directory, 'data');
    const kept = gcImage('metrics-kept');
    const untagged = gcImage('metrics-untagged', [layerOf('u1'), layerOf('u2')]);
    await pushImage(url, 'm/app', kept, 'v1');
    await pushImage(url, 'm/app', untagged, untagged.digest);
    const gc = gcFeatureOf(registry);
    await gc.gc.runNow(); // joins the start-up pass if it is still running
    const before = parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
    const runsBefore = findSampleValue(before, 'zot_gc_runs_total', { error: 'false' }) ?? 0;

    clock.advance(2 * HOUR);
    const blobsBefore = blobsOnDisk(root, 'm/app').length;
    await gc.gc.runNow();
    expect(blobsBefore - blobsOnDisk(root, 'm/app').length).toBe(4);

    const families = parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
    // one run per repository pass: m/app is the only repository
    expect(findSampleValue(families, 'zot_gc_runs_total', { error: 'false' })).toBe(runsBefore + 1);
    expect(findSampleValue(families, 'zot_gc_runs_total', { error: 'true' }) ?? 0).toBe(0);
    expect(findSampleValue(families, 'zot_gc_deleted_total', { type: 'manifest' })).toBe(1);
    expect(findSampleValue(families, 'zot_gc_deleted_total', { type: 'blob' })).toBe(4);
    expect(findSampleValue(families, 'zot_gc_deleted_total', { type: 'upload' })).toBe(0);
    expect(findSampleValue(families, 'zot_gc_duration_seconds_count')).toBe(runsBefore + 1);
    expect(findSampleValue(families, 'zot_gc_duration_seconds_sum')).toBeGreaterThan(0);
    await pullAndVerify(url, 'm/app', kept, 'v1');
  });
});

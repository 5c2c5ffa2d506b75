// Issue 9, "done when": after a GC run, /metrics shows the run, its duration and the deleted counts by type,
// and the counts match what was deleted. GC runs on the live server's store (createGcJob from oci-store),
// so its events reach the metrics the way the scheduled job's will.
import { createGcJob } from '@zot-ts/oci-store';
import { afterEach, describe, expect, it } from 'vitest';
import { client, makeImage, ociManifestType } from './conformance-fixtures.js';
import type { TestRegistry } from './helpers.js';
import {
  eventually,
  expectedRepoBytes,
  repoDirectory,
  sample,
  scrape,
  startMetricsRegistry,
} from './metrics-helpers.js';

let registry: TestRegistry | undefined;
afterEach(async () => {
  await registry?.dispose();
  registry = undefined;
});

describe('metrics of a GC run', () => {
  it('shows the runs, their duration, what was deleted by type and the bytes reclaimed, matching the deletions', async () => {
    registry = await startMetricsRegistry();
    const oci = client(registry.url);
    const kept = makeImage('gc-kept');
    const untagged = makeImage('gc-untagged');
    expect((await oci.pushImage('gc/app', kept, 'v1')).status).toBe(201);
    // pushed by digest and never tagged: GC removes it (zot's default), then its now unreferenced blobs
    expect((await oci.pushImage('gc/app', untagged, untagged.digest)).status).toBe(201);
    // a blob no manifest references
    expect((await oci.pushBlob('gc/app', 'orphan blob')).status).toBe(201);
    // a second repository with nothing to collect
    expect((await oci.pushImage('gc/other', makeImage('gc-other'), 'v1')).status).toBe(201);

    const before = await scrape(registry);
    expect(sample(before.families, 'zot_gc_runs_total', { error: 'false' })).toBe(0);
    expect(sample(before.families, 'zot_gc_deleted_total', { type: 'manifest' })).toBe(0);

    const gcStarted = performance.now();
    const summary = await createGcJob({ store: registry.registry.store, delayMs: 0 }).runAll();
    const gcSeconds = (performance.now() - gcStarted) / 1000;

    // what GC really deleted, seen from outside
    expect(summary.failures).toEqual([]);
    expect(summary.manifest).toBe(1);
    expect(summary.blob).toBe(4); // the untagged image's manifest, config and layer, and the orphan
    const gone = await fetch(`${registry.url}/v2/gc/app/manifests/${untagged.digest}`, {
      headers: { Accept: ociManifestType },
    });
    expect(gone.status).toBe(404);
    expect((await fetch(`${registry.url}/v2/gc/app/manifests/v1`, { method: 'HEAD' })).status).toBe(200);

    const families = await eventually(registry, (f) =>
      // the size is measured again after the run: exactly what is left on disk
      expect(sample(f, 'zot_repo_storage_bytes', { repo: 'gc/app' })).toBe(
        expectedRepoBytes(repoDirectory(registry as TestRegistry, 'gc/app'), [kept]),
      ),
    );
    expect(sample(families, 'zot_gc_runs_total', { error: 'false' })).toBe(summary.repositories);
    expect(sample(families, 'zot_gc_runs_total', { error: 'true' })).toBe(0);
    expect(sample(families, 'zot_gc_deleted_total', { type: 'manifest' })).toBe(summary.manifest);
    expect(sample(families, 'zot_gc_deleted_total', { type: 'blob' })).toBe(summary.blob);
    expect(sample(families, 'zot_gc_deleted_total', { type: 'upload' })).toBe(summary.upload);
    expect(sample(families, 'zot_gc_reclaimed_bytes_total')).toBe(summary.reclaimedBytes);
    expect(summary.reclaimedBytes).toBeGreaterThan(Buffer.byteLength(untagged.manifest));
    // one duration observation per repository pass, in real seconds within the wall time of the job
    expect(sample(families, 'zot_gc_duration_seconds_count')).toBe(summary.repositories);
    const durationSum = sample(families, 'zot_gc_duration_seconds_sum') ?? Number.NaN;
    expect(durationSum).toBeGreaterThan(0);
    expect(durationSum).toBeLessThanOrEqual(gcSeconds);
    expect(sample(families, 'zot_gc_last_run_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it('counts abandoned uploads GC removed under type="upload"', async () => {
    registry = await startMetricsRegistry();
    const opened = await fetch(`${registry.url}/v2/abandoned/app/blobs/uploads/`, { method: 'POST' });
    expect(opened.status).toBe(202);
    const location = opened.headers.get('location') ?? '';
    await fetch(`${registry.url}${location}`, {
      method: 'PATCH',
      body: 'half an upload',
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    const summary = await createGcJob({ store: registry.registry.store, delayMs: 0 }).runAll();
    expect(summary.upload).toBe(1);
    const { families } = await scrape(registry);
    expect(sample(families, 'zot_gc_deleted_total', { type: 'upload' })).toBe(1);
    expect(sample(families, 'zot_gc_reclaimed_bytes_total')).toBe(summary.reclaimedBytes);
  });
});

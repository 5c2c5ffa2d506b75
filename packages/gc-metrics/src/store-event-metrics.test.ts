import { describe, expect, it } from 'vitest';
import { findSampleValue, parsePrometheusText } from './prometheus-text-parser.js';
import { createRegistryMetrics, type RegistryMetrics } from './registry-metrics.js';
import type { GcRunEvent } from './store-events.js';

const scrape = async (metrics: RegistryMetrics) => parsePrometheusText(await metrics.metricsText());
const digest = `sha256:${'a'.repeat(64)}`;
const gcRun = (overrides: Partial<GcRunEvent> = {}): GcRunEvent => ({
  type: 'gcRun',
  repository: 'alpine',
  durationMs: 1500,
  deleted: { blob: 3, manifest: 1, upload: 2 },
  reclaimedBytes: 4096,
  ...overrides,
});

describe('onStoreEvent', () => {
  describe('GC runs', () => {
    it('shows the run, its duration and the deleted counts by type', async () => {
      const metrics = createRegistryMetrics({ version: 'v', now: () => 1_700_000_000_000 });
      metrics.onStoreEvent(gcRun());
      metrics.onStoreEvent(
        gcRun({
          repository: 'busybox',
          durationMs: 20,
          deleted: { blob: 1, manifest: 0, upload: 0 },
          reclaimedBytes: 100,
        }),
      );
      const parsed = await scrape(metrics);
      expect(findSampleValue(parsed, 'zot_gc_runs_total', { error: 'false' })).toBe(2);
      expect(findSampleValue(parsed, 'zot_gc_runs_total', { error: 'true' })).toBe(0);
      expect(findSampleValue(parsed, 'zot_gc_duration_seconds_count')).toBe(2);
      expect(findSampleValue(parsed, 'zot_gc_duration_seconds_sum')).toBeCloseTo(1.52, 9);
      expect(findSampleValue(parsed, 'zot_gc_duration_seconds_bucket', { le: '0.05' })).toBe(1);
      expect(findSampleValue(parsed, 'zot_gc_deleted_total', { type: 'blob' })).toBe(4);
      expect(findSampleValue(parsed, 'zot_gc_deleted_total', { type: 'manifest' })).toBe(1);
      expect(findSampleValue(parsed, 'zot_gc_deleted_total', { type: 'upload' })).toBe(2);
      expect(findSampleValue(parsed, 'zot_gc_reclaimed_bytes_total')).toBe(4196);
      expect(findSampleValue(parsed, 'zot_gc_last_run_timestamp_seconds')).toBe(1_700_000_000);
    });

    it('counts a failed run under error="true" without putting the message in a label', async () => {
      const metrics = createRegistryMetrics({ version: 'v' });
      metrics.onStoreEvent(gcRun({ error: 'EACCES: permission denied, unlink /var/lib/zot/alpine/blobs/x' }));
      const text = await metrics.metricsText();
      expect(findSampleValue(parsePrometheusText(text), 'zot_gc_runs_total', { error: 'true' })).toBe(1);
      expect(text).not.toContain('EACCES');
    });

    it('exports the GC series at zero before any run, so rate() and alerts have data', async () => {
      const parsed = await scrape(createRegistryMetrics({ version: 'v' }));
      for (const type of ['blob', 'manifest', 'upload'])
        expect(findSampleValue(parsed, 'zot_gc_deleted_total', { type })).toBe(0);
      expect(findSampleValue(parsed, 'zot_gc_runs_total', { error: 'false' })).toBe(0);
      expect(findSampleValue(parsed, 'zot_gc_reclaimed_bytes_total')).toBe(0);
    });

    it('takes reclaimed bytes off the repository size, never below zero', async () => {
      const metrics = createRegistryMetrics({ version: 'v' });
      metrics.setRepoStorageBytes('alpine', 10_000);
      metrics.onStoreEvent(gcRun({ reclaimedBytes: 4096 }));
      expect(findSampleValue(await scrape(metrics), 'zot_repo_storage_bytes', { repo: 'alpine' })).toBe(5904);
      metrics.onStoreEvent(gcRun({ reclaimedBytes: 1_000_000 }));
      expect(findSampleValue(await scrape(metrics), 'zot_repo_storage_bytes', { repo: 'alpine' })).toBe(0);
    });
  });

  describe('pushes and uploads', () => {
    it('counts one upload per manifest put, as zot does, and adds written blob bytes to the repository size', async () => {
      const metrics = createRegistryMetrics({ version: 'v' });
      metrics.onStoreEvent({ type: 'blobWritten', repository: 'alpine', digest, size: 1000, deduped: false });
      metrics.onStoreEvent({ type: 'blobWritten', repository: 'alpine', digest, size: 24, deduped: true });
      metrics.onStoreEvent({
        type: 'manifestPut',
        repository: 'alpine',
        digest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        tag: 'latest',
      });
      const parsed = await scrape(metrics);
      expect(findSampleValue(parsed, 'zot_repo_uploads_total', { repo: 'alpine' })).toBe(1);
      expect(findSampleValue(parsed, 'zot_repo_storage_bytes', { repo: 'alpine' })).toBe(1024);
    });

    it('gauges open upload sessions from start to finish or cancel', async () => {
      const metrics = createRegistryMetrics({ version: 'v' });
      for (const uploadSessionId of ['u1', 'u2', 'u3'])
        metrics.onStoreEvent({ type: 'uploadStarted', repository: 'alpine', uploadSessionId });
      expect(findSampleValue(await scrape(metrics), 'zot_upload_sessions')).toBe(3);
      metrics.onStoreEvent({
        type: 'uploadFinished',
        repository: 'alpine',
        uploadSessionId: 'u1',
        digest,
        size: 5,
      });
      metrics.onStoreEvent({ type: 'uploadCancelled', repository: 'alpine', uploadSessionId: 'u2' });
      metrics.onStoreEvent({
        type: 'uploadCancelled',
        repository: 'alpine',
        uploadSessionId: 'never-started',
      });
      expect(findSampleValue(await scrape(metrics), 'zot_upload_sessions')).toBe(1);
    });

    it('ignores deletions, which carry no size, and never throws on a malformed event', async () => {
      const metrics = createRegistryMetrics({ version: 'v' });
      metrics.onStoreEvent({ type: 'blobDeleted', repository: 'alpine', digest });
      metrics.onStoreEvent({ type: 'tagDeleted', repository: 'alpine', tag: 'x', digest });
      expect(() => metrics.onStoreEvent({ type: 'gcRun' } as unknown as GcRunEvent)).not.toThrow();
      metrics.onStoreEvent({
        type: 'blobWritten',
        repository: 'alpine',
        digest,
        size: Number.NaN,
        deduped: false,
      });
      expect(
        findSampleValue(await scrape(metrics), 'zot_repo_storage_bytes', { repo: 'alpine' }),
      ).toBeUndefined();
    });
  });

  describe('retention dry runs', () => {
    it('counts what retention would have deleted, by type', async () => {
      const metrics = createRegistryMetrics({ version: 'v' });
      metrics.onStoreEvent({
        type: 'retentionDryRun',
        repository: 'alpine',
        candidates: { manifest: 2, tag: 3 },
      });
      metrics.recordRetentionDryRun({ manifest: 1 });
      const parsed = await scrape(metrics);
      expect(findSampleValue(parsed, 'zot_retention_dry_run_candidates_total', { type: 'manifest' })).toBe(3);
      expect(findSampleValue(parsed, 'zot_retention_dry_run_candidates_total', { type: 'tag' })).toBe(3);
      expect(findSampleValue(parsed, 'zot_retention_dry_run_candidates_total', { type: 'blob' })).toBe(0);
    });

    it('counts the dry-run decisions a GC pass reports on its gcRun event, apart from what it deleted', async () => {
      const metrics = createRegistryMetrics({ version: 'v' });
      metrics.onStoreEvent(
        gcRun({
          deleted: { blob: 1, manifest: 0, upload: 0 },
          dryRun: { blob: 0, manifest: 2, upload: 0, tag: 4 },
        }),
      );
      const parsed = await scrape(metrics);
      expect(findSampleValue(parsed, 'zot_retention_dry_run_candidates_total', { type: 'manifest' })).toBe(2);
      expect(findSampleValue(parsed, 'zot_retention_dry_run_candidates_total', { type: 'tag' })).toBe(4);
      expect(findSampleValue(parsed, 'zot_gc_deleted_total', { type: 'manifest' })).toBe(0);
      expect(findSampleValue(parsed, 'zot_gc_deleted_total', { type: 'blob' })).toBe(1);
    });
  });

  describe('repository sizes under the label cap', () => {
    it('adds up repositories sharing "_other" and moves bytes when a repository gets its own label', async () => {
      const metrics = createRegistryMetrics({ version: 'v', maxRepoLabels: 1 });
      metrics.setRepoStorageBytes('first', 100);
      metrics.setRepoStorageBytes('second', 20);
      metrics.setRepoStorageBytes('third', 3);
      metrics.setRepoStorageBytes('second', 30);
      expect(findSampleValue(await scrape(metrics), 'zot_repo_storage_bytes', { repo: '_other' })).toBe(33);
      metrics.forgetRepository('first');
      metrics.addRepoStorageBytes('second', 5);
      const parsed = await scrape(metrics);
      expect(findSampleValue(parsed, 'zot_repo_storage_bytes', { repo: 'first' })).toBeUndefined();
      expect(findSampleValue(parsed, 'zot_repo_storage_bytes', { repo: 'second' })).toBe(35);
      expect(findSampleValue(parsed, 'zot_repo_storage_bytes', { repo: '_other' })).toBe(3);
    });

    it('forgetting a repository drops all its series', async () => {
      const metrics = createRegistryMetrics({ version: 'v' });
      metrics.recordDownload('gone');
      metrics.recordUpload('gone');
      metrics.setRepoStorageBytes('gone', 7);
      metrics.observeRequest({ method: 'GET', status: 200, durationSeconds: 0.1, repository: 'gone' });
      metrics.forgetRepository('gone');
      expect(await metrics.metricsText()).not.toContain('repo="gone"');
    });
  });
});

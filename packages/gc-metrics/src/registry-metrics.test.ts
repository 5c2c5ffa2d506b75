import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { findSampleValue, parsePrometheusText } from './prometheus-text-parser.js';
import { createRegistryMetrics, type RegistryMetricsOptions } from './registry-metrics.js';

async function scrape(metrics: ReturnType<typeof createRegistryMetrics>) {
  return parsePrometheusText(await metrics.metricsText());
}
const create = (options: Partial<RegistryMetricsOptions> = {}) =>
  createRegistryMetrics({ version: 'v2.1.17', ...options });

describe('createRegistryMetrics', () => {
  describe('HTTP requests', () => {
    it('counts requests by method and status code', async () => {
      const metrics = create();
      for (let i = 0; i < 3; i += 1)
        metrics.observeRequest({ method: 'GET', status: 200, durationSeconds: 0.01 });
      metrics.observeRequest({ method: 'PUT', status: 201, durationSeconds: 0.2, repository: 'alpine' });
      metrics.observeRequest({ method: 'GET', status: 404, durationSeconds: 0.001, repository: 'alpine' });
      const parsed = await scrape(metrics);
      expect(findSampleValue(parsed, 'zot_http_requests_total', { method: 'GET', code: '200' })).toBe(3);
      expect(findSampleValue(parsed, 'zot_http_requests_total', { method: 'PUT', code: '201' })).toBe(1);
      expect(findSampleValue(parsed, 'zot_http_requests_total', { method: 'GET', code: '404' })).toBe(1);
    });

    it('records latencies in fractional seconds, per method and per repository', async () => {
      const metrics = create();
      metrics.observeRequest({ method: 'GET', status: 200, durationSeconds: 0.003, repository: 'alpine' });
      metrics.observeRequest({ method: 'GET', status: 200, durationSeconds: 0.3, repository: 'alpine' });
      metrics.observeRequest({ method: 'GET', status: 200, durationSeconds: 0.02 });
      const parsed = await scrape(metrics);
      expect(
        findSampleValue(parsed, 'zot_http_method_latency_seconds_bucket', { method: 'GET', le: '0.005' }),
      ).toBe(1);
      expect(
        findSampleValue(parsed, 'zot_http_method_latency_seconds_bucket', { method: 'GET', le: '0.05' }),
      ).toBe(2);
      expect(findSampleValue(parsed, 'zot_http_method_latency_seconds_count', { method: 'GET' })).toBe(3);
      expect(findSampleValue(parsed, 'zot_http_method_latency_seconds_sum', { method: 'GET' })).toBeCloseTo(
        0.323,
        9,
      );
      expect(findSampleValue(parsed, 'zot_http_repo_latency_seconds_count', { repo: 'alpine' })).toBe(2);
      expect(findSampleValue(parsed, 'zot_http_repo_latency_seconds_sum', { repo: 'alpine' })).toBeCloseTo(
        0.303,
        9,
      );
      // zot labels requests without a repository "N/A"
      expect(findSampleValue(parsed, 'zot_http_repo_latency_seconds_count', { repo: 'N/A' })).toBe(1);
    });

    it('keeps every bucket boundary zot uses, so queries on zot buckets still work', async () => {
      const metrics = create();
      metrics.observeRequest({ method: 'HEAD', status: 200, durationSeconds: 0.1 });
      const parsed = await scrape(metrics);
      for (const le of ['0.05', '0.5', '1', '5', '30', '60', '600', '+Inf']) {
        expect(
          findSampleValue(parsed, 'zot_http_method_latency_seconds_bucket', { method: 'HEAD', le }),
        ).toBeDefined();
      }
    });

    it('bounds labels: unknown methods become "other", repositories past the cap "_other"', async () => {
      const metrics = create({ maxRepoLabels: 2 });
      metrics.observeRequest({ method: 'BREW', status: 418, durationSeconds: 0 });
      for (const repository of ['a', 'b', 'c', 'd', '../../etc/passwd']) {
        metrics.observeRequest({ method: 'GET', status: 200, durationSeconds: 0.01, repository });
        metrics.recordDownload(repository);
      }
      const parsed = await scrape(metrics);
      expect(findSampleValue(parsed, 'zot_http_requests_total', { method: 'other', code: '418' })).toBe(1);
      const repoLabels = parsed.get('zot_repo_downloads_total')?.samples.map((sample) => sample.labels.repo);
      expect(repoLabels?.sort()).toEqual(['_other', 'a', 'b']);
      expect(findSampleValue(parsed, 'zot_repo_downloads_total', { repo: '_other' })).toBe(3);
      expect(findSampleValue(parsed, 'zot_http_repo_latency_seconds_count', { repo: '_other' })).toBe(3);
    });

    it('tracks requests in flight and never goes below zero', async () => {
      const metrics = create();
      metrics.requestStarted();
      metrics.requestStarted();
      metrics.requestFinished();
      expect(findSampleValue(await scrape(metrics), 'zot_http_requests_in_flight')).toBe(1);
      metrics.requestFinished();
      metrics.requestFinished();
      expect(findSampleValue(await scrape(metrics), 'zot_http_requests_in_flight')).toBe(0);
    });

    it('ignores a negative or non-finite duration rather than corrupting the histogram', async () => {
      const metrics = create();
      metrics.observeRequest({ method: 'GET', status: 200, durationSeconds: Number.NaN });
      metrics.observeRequest({ method: 'GET', status: 200, durationSeconds: -1 });
      const parsed = await scrape(metrics);
      expect(findSampleValue(parsed, 'zot_http_requests_total', { method: 'GET', code: '200' })).toBe(2);
      expect(
        findSampleValue(parsed, 'zot_http_method_latency_seconds_count', { method: 'GET' }),
      ).toBeUndefined();
    });
  });

  describe('server info and registry isolation', () => {
    it('exports zot_info with value 0 and the version labels', async () => {
      const metrics = create({ commit: 'abc123', binaryType: '-sync-search', goVersion: 'node-v20' });
      const parsed = await scrape(metrics);
      expect(parsed.get('zot_info')?.samples).toEqual([
        expect.objectContaining({
          labels: { commit: 'abc123', binaryType: '-sync-search', goVersion: 'node-v20', version: 'v2.1.17' },
          value: 0,
        }),
      ]);
    });

    it('escapes label values that contain quotes, backslashes and newlines', async () => {
      const version = 'v1 "quoted" \\ back\nslash';
      const parsed = await scrape(create({ version }));
      expect(parsed.get('zot_info')?.samples[0]?.labels.version).toBe(version);
    });

    it('uses its own registry: two instances do not collide and the global registry stays empty', async () => {
      const first = create();
      const second = create();
      first.recordDownload('alpine');
      expect(
        findSampleValue(await scrape(second), 'zot_repo_downloads_total', { repo: 'alpine' }),
      ).toBeUndefined();
      expect(findSampleValue(await scrape(first), 'zot_repo_downloads_total', { repo: 'alpine' })).toBe(1);
      expect(await globalRegistry.metrics()).not.toContain('zot_');
    });

    it('serves the Prometheus text content type', () => {
      expect(create().contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    });

    it('adds process and Node.js metrics only when asked', async () => {
      expect(await create().metricsText()).not.toContain('process_cpu');
      const withDefaults = create({ defaultMetrics: true });
      const parsed = await scrape(withDefaults);
      expect(parsed.has('process_cpu_user_seconds_total')).toBe(true);
    });
  });
});

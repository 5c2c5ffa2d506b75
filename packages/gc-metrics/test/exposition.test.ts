// The whole /metrics output, parsed strictly: what a Prometheus server scraping us would see.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createRegistryMetrics, findSampleValue, parsePrometheusText } from '../src/index.js';
import { driveWorkload } from './workload.js';

// zot's metrics (pkg/extensions/monitoring/extension.go): type and help text must match exactly.
const ZOT_FAMILIES = {
  zot_http_requests_total: ['counter', 'Total number of http request in zot'],
  zot_http_repo_latency_seconds: ['summary', 'Latency of serving HTTP requests'],
  zot_http_method_latency_seconds: ['histogram', 'Latency of serving HTTP requests'],
  zot_repo_storage_bytes: ['gauge', 'Storage used per zot repo'],
  zot_repo_uploads_total: ['counter', 'Total number times an image was uploaded'],
  zot_repo_downloads_total: ['counter', 'Total number times an image was downloaded'],
  zot_info: ['gauge', 'Server general information'],
} as const;

const OUR_FAMILIES = {
  zot_gc_runs_total: 'counter',
  zot_gc_duration_seconds: 'histogram',
  zot_gc_deleted_total: 'counter',
  zot_gc_reclaimed_bytes_total: 'counter',
  zot_gc_last_run_timestamp_seconds: 'gauge',
  zot_retention_dry_run_candidates_total: 'counter',
  zot_upload_sessions: 'gauge',
  zot_http_requests_in_flight: 'gauge',
} as const;

function promtoolAvailable(): boolean {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('metricsText exposition', () => {
  it('parses strictly after a mixed workload, with zot names, types and help texts', async () => {
    const metrics = createRegistryMetrics({ version: 'v2.1.17', commit: 'deadbeef' });
    driveWorkload(metrics, 12);
    const families = parsePrometheusText(await metrics.metricsText());
    for (const [name, [type, help]] of Object.entries(ZOT_FAMILIES)) {
      expect(families.get(name), name).toMatchObject({ type, help });
    }
    for (const [name, type] of Object.entries(OUR_FAMILIES))
      expect(families.get(name)?.type, name).toBe(type);
    expect(findSampleValue(families, 'zot_gc_runs_total', { error: 'true' })).toBe(1);
    expect(findSampleValue(families, 'zot_gc_deleted_total', { type: 'blob' })).toBe(2);
    expect(findSampleValue(families, 'zot_upload_sessions')).toBe(1);
    expect(findSampleValue(families, 'zot_http_requests_in_flight')).toBe(0);
    expect(findSampleValue(families, 'zot_repo_uploads_total', { repo: 'team0/app-0' })).toBe(1);
  });

  it('parses strictly with process and Node.js metrics included', async () => {
    const metrics = createRegistryMetrics({ version: 'v2.1.17', defaultMetrics: true });
    driveWorkload(metrics);
    const families = parsePrometheusText(await metrics.metricsText());
    expect(families.has('nodejs_heap_size_total_bytes')).toBe(true);
  });

  it('keeps the number of series bounded however many repositories and methods clients use', async () => {
    const metrics = createRegistryMetrics({ version: 'v', maxRepoLabels: 50 });
    driveWorkload(metrics, 2000);
    const families = parsePrometheusText(await metrics.metricsText());
    const repoValues = new Set(
      families.get('zot_repo_downloads_total')?.samples.map((sample) => sample.labels.repo),
    );
    expect(repoValues.size).toBe(51); // 50 repositories plus "_other"
    const methodValues = new Set(
      families.get('zot_http_requests_total')?.samples.map((sample) => sample.labels.method),
    );
    expect([...methodValues].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'other']);
    const totalSeries = [...families.values()].reduce((sum, family) => sum + family.samples.length, 0);
    expect(totalSeries).toBeLessThan(500);
    // Every download is still counted, under its own label or "_other".
    const downloads = families
      .get('zot_repo_downloads_total')
      ?.samples.reduce((sum, sample) => sum + sample.value, 0);
    expect(downloads).toBe(2000);
  });

  // promtool is Prometheus' own checker; where it is not installed (apt-get install prometheus),
  // the strict parser above stands in for it.
  it.skipIf(!promtoolAvailable())(
    'is accepted by promtool check metrics, with only naming lints we inherit',
    async () => {
      const metrics = createRegistryMetrics({ version: 'v2.1.17', defaultMetrics: true });
      driveWorkload(metrics);
      const result = spawnSync('promtool', ['check', 'metrics'], {
        input: await metrics.metricsText(),
        encoding: 'utf8',
      });
      // Exit 1 is a parse error; exit 3 lists lint findings (style, not validity), one per line.
      expect(result.status, result.stderr).not.toBe(1);
      const findings = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.trim() !== '');
      const inherited = [
        // zot's own label names (commit, binaryType, goVersion, version): kept for dashboard compatibility.
        /^zot_info label names should be written in 'snake_case' not 'camelCase'$/,
        // prom-client's default Node.js gauges.
        /^nodejs_active_\w+_total non-counter metrics should not have "_total" suffix$/,
      ];
      expect(findings.filter((line) => !inherited.some((pattern) => pattern.test(line)))).toEqual([]);
    },
  );
});

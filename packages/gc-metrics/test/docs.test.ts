// docs/metrics.md and docs/grafana-dashboard.json must not drift from what the registry exports.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRegistryMetrics, parsePrometheusText } from '../src/index.js';
import { driveWorkload } from './workload.js';

const docsDirectory = new URL('../../../docs/', import.meta.url);
const metricsDoc = readFileSync(new URL('metrics.md', docsDirectory), 'utf8');
const dashboard = JSON.parse(readFileSync(new URL('grafana-dashboard.json', docsDirectory), 'utf8')) as {
  panels: Array<{ id: number; type: string; targets?: Array<{ expr: string }> }>;
};

async function exportedSampleNames(): Promise<{ families: string[]; samples: Set<string> }> {
  const metrics = createRegistryMetrics({ version: 'v' });
  driveWorkload(metrics);
  const families = parsePrometheusText(await metrics.metricsText());
  const samples = new Set(
    [...families.values()].flatMap((family) => family.samples.map((sample) => sample.name)),
  );
  return { families: [...families.keys()], samples };
}

describe('docs', () => {
  it('metrics.md documents every exported zot_ metric', async () => {
    const { families } = await exportedSampleNames();
    for (const name of families) expect(metricsDoc, name).toContain(`\`${name}\``);
  });

  it('every metric the Grafana dashboard queries is exported', async () => {
    const { samples } = await exportedSampleNames();
    const expressions = dashboard.panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr);
    expect(expressions.length).toBeGreaterThan(15);
    for (const expression of expressions) {
      for (const name of expression.match(/\bzot_[a-z_]+/g) ?? [])
        expect(samples.has(name), `${name} in ${expression}`).toBe(true);
      // brackets balance: a typo here would only show as a red panel in Grafana
      for (const [open, close] of ['()', '{}', '[]']) {
        expect(expression.split(open ?? '').length, expression).toBe(expression.split(close ?? '').length);
      }
    }
  });

  it('the dashboard covers requests, latency, storage, uploads, downloads and GC, with unique panel ids', () => {
    const text = JSON.stringify(dashboard);
    for (const name of [
      'zot_http_requests_total',
      'zot_http_method_latency_seconds_bucket',
      'zot_repo_storage_bytes',
      'zot_repo_uploads_total',
      'zot_repo_downloads_total',
      'zot_gc_runs_total',
      'zot_gc_deleted_total',
      'zot_gc_reclaimed_bytes_total',
    ]) {
      expect(text).toContain(name);
    }
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

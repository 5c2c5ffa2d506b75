// Label cardinality through the real server: a label value never comes straight from a client. Repositories
// get their own label up to the cap (1000, gc-metrics' default) and share "_other" after it; names that do
// not exist, raw paths and unknown methods never become label values.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { client, makeImage } from './conformance-fixtures.js';
import { sha256, type TestRegistry } from './helpers.js';
import { eventually, labelValues, sample, scrape, startMetricsRegistry } from './metrics-helpers.js';

const run = promisify(execFile);
const promtool = await run('promtool', ['--version']).then(
  () => true,
  () => false,
);

let registry: TestRegistry | undefined;
afterEach(async () => {
  await registry?.dispose();
  registry = undefined;
});

/** One request per repository: a monolithic blob upload creates it (distribution-spec POST ?digest=). */
async function createRepositories(url: string, count: number): Promise<void> {
  const body = 'one blob per repository';
  const digest = sha256(body);
  const names = Array.from({ length: count }, (_, i) => `many/repo-${String(i).padStart(4, '0')}`);
  for (let i = 0; i < names.length; i += 16) {
    await Promise.all(
      names.slice(i, i + 16).map(async (name) => {
        const response = await fetch(`${url}/v2/${name}/blobs/uploads/?digest=${digest}`, {
          method: 'POST',
          body,
        });
        expect(response.status).toBe(201);
      }),
    );
  }
}

describe('bounded metric labels', () => {
  it('gives the first 1000 repositories their own label and folds the rest into "_other"', async () => {
    registry = await startMetricsRegistry();
    await createRepositories(registry.url, 1010);
    const families = await eventually(
      registry,
      (f) => expect(sample(f, 'zot_repo_storage_bytes', { repo: '_other' })).toBe(10 * 23),
      15_000,
    );
    const storageRepos = labelValues(families, 'zot_repo_storage_bytes', 'repo');
    expect(storageRepos.size).toBe(1001);
    expect(storageRepos.has('many/repo-0000')).toBe(true);
    const latencyRepos = labelValues(families, 'zot_http_repo_latency_seconds', 'repo');
    expect(latencyRepos.size).toBeLessThanOrEqual(1002); // + "N/A"
    // the ten past the cap: every request counted, under "_other"
    expect(sample(families, 'zot_http_repo_latency_seconds_count', { repo: '_other' })).toBe(10);
  }, 60_000);

  it('takes no label value from names that do not exist, raw paths or unknown methods', async () => {
    registry = await startMetricsRegistry();
    for (let i = 0; i < 20; i += 1) {
      expect((await fetch(`${registry.url}/v2/probe-${i}/manifests/latest`)).status).toBe(404);
      expect((await fetch(`${registry.url}/v2/probe-${i}/tags/list?last=t${i}`)).status).toBe(404);
    }
    // Node's HTTP parser refuses methods it does not know; WebDAV's are known to it, and not to RFC 9110
    expect((await fetch(`${registry.url}/v2/`, { method: 'PROPFIND' })).status).toBe(405);
    const { families } = await scrape(registry);
    expect(labelValues(families, 'zot_http_repo_latency_seconds', 'repo')).toEqual(new Set(['N/A']));
    expect(sample(families, 'zot_http_requests_total', { method: 'GET', code: '404' })).toBe(40);
    expect(labelValues(families, 'zot_http_requests_total', 'method')).toEqual(new Set(['GET', 'other']));
    expect(labelValues(families, 'zot_repo_storage_bytes', 'repo').size).toBe(0);
  });
});

describe('promtool', () => {
  it.skipIf(!promtool)(
    'accepts the real server scrape (skipped when promtool is not installed)',
    async () => {
      registry = await startMetricsRegistry();
      await client(registry.url).pushImage('lint/app', makeImage('promtool'), 'v1');
      await fetch(`${registry.url}/v2/lint/app/manifests/v1`);
      const { text } = await scrape(registry);
      const directory = mkdtempSync(join(tmpdir(), 'zot-promtool-'));
      try {
        const file = join(directory, 'metrics.txt');
        writeFileSync(file, text);
        // promtool reads the exposition on stdin; it exits 1 on errors, and on lint findings too
        const result = await run('sh', ['-c', `promtool check metrics < "${file}"`]).then(
          ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
          (error: { code: number; stdout: string; stderr: string }) => ({
            code: error.code,
            output: error.stdout + error.stderr,
          }),
        );
        // Parse errors fail outright. Lint findings allowed: zot's own camelCase label names on zot_info
        // (binaryType, goVersion), and prom-client's standard nodejs_active_*_total gauges, whose names
        // Node.js dashboards expect.
        const allowed = [
          /^zot_info .*label names should be written in 'snake_case'/,
          /^nodejs_active_\w+_total non-counter metrics should not have "_total" suffix$/,
        ];
        const findings = result.output
          .split('\n')
          .filter((line) => line.trim() !== '')
          .filter((line) => !allowed.some((pattern) => pattern.test(line)));
        expect(findings).toEqual([]);
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  );
});

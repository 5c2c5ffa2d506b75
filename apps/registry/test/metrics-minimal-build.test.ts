// /metrics without the metrics extension: 404 for every caller, as zot's full build answers (zot's minimal
// build would serve its private JSON format for zxp behind authentication; we do not build that). The same
// config with extensions.metrics on serves the listed user. Decision documented in docs/metrics.md.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runVerify } from '../src/commands/verify.js';
import { basic, htpasswdLines } from './auth-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

const registries: TestRegistry[] = [];
const directory = mkdtempSync(join(tmpdir(), 'zot-metrics-minimal-'));
const htpasswd = join(directory, 'htpasswd');
writeFileSync(htpasswd, `${htpasswdLines({ prometheus: 'scrape', alice: 'pw' })}\n`);
afterAll(() => rmSync(directory, { recursive: true, force: true }));
afterEach(async () => {
  for (const registry of registries.splice(0)) await registry.dispose();
  vi.restoreAllMocks();
});

const http = {
  auth: { htpasswd: { path: htpasswd } },
  accessControl: {
    repositories: { '**': { anonymousPolicy: ['read'] } },
    metrics: { users: ['prometheus'] },
  },
};

describe('/metrics without the metrics extension', () => {
  it('is 404 for anonymous callers, listed users and others alike, even with accessControl.metrics', async () => {
    const registry = await startTestRegistry({ http });
    registries.push(registry);
    for (const headers of [
      {},
      { Authorization: basic('prometheus', 'scrape') },
      { Authorization: basic('alice', 'pw') },
    ]) {
      expect((await fetch(`${registry.url}/metrics`, { headers })).status).toBe(404);
    }
  });

  it('serves the listed user once extensions.metrics is on (401 anonymous, 403 others)', async () => {
    const registry = await startTestRegistry({ http, extensions: { metrics: { enable: true } } });
    registries.push(registry);
    expect((await fetch(`${registry.url}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${registry.url}/metrics`, { headers: { Authorization: basic('alice', 'pw') } })).status,
    ).toBe(403);
    const scrape = await fetch(`${registry.url}/metrics`, {
      headers: { Authorization: basic('prometheus', 'scrape') },
    });
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('zot_info');
  });

  it('zot verify warns that accessControl.metrics does nothing without the extension', async () => {
    const path = join(directory, 'config.json');
    writeFileSync(path, JSON.stringify({ storage: { rootDirectory: join(directory, 'data') }, http }));
    let output = '';
    const capture = (chunk: string | Uint8Array) => {
      output += chunk.toString();
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const code = await runVerify([path]);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    expect(output).toContain('warning: http.accessControl.metrics: has no effect');
  });
});

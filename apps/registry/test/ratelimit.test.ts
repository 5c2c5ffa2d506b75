// Issue 22: http.ratelimit through the real server. zot's own test (pkg/api/controller_test.go TestRatelimit):
// with a rate of 1, the second request back to back gets 429; the same with a GET limit of 1; and with both, the
// stricter wins. Ours adds: the spec's error body with Retry-After, health and metrics never limited, per-user
// buckets for authenticated callers (a user changing address is still held to the rate), the metric of refused
// requests, and skopeo pulling through a tight limit (containers/image retries a 429 after Retry-After).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findSampleValue, parsePrometheusText } from '@zot-ts/gc-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { basic, htpasswdLines } from './auth-fixtures.js';
import { gcImage, layerOf, pushImage } from './gc-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

const run = promisify(execFile);
const hasSkopeo = existsSync('/usr/bin/skopeo');
const hasPodman = existsSync('/usr/bin/podman') && existsSync('/usr/bin/umoci');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A GET from a chosen loopback address (all of 127.0.0.0/8 is local on Linux): another client, same machine. */
function getFrom(localAddress: string, base: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<Answer>((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, { localAddress, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

async function refusedSamples(
  registry: TestRegistry,
  scope: 'client' | 'user',
  headers: Record<string, string> = {},
): Promise<number> {
  const scrape = await fetch(`${registry.url}/metrics`, { headers });
  expect(scrape.status).toBe(200);
  const text = await scrape.text();
  const families = parsePrometheusText(text);
  let total = 0;
  for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])
    total += findSampleValue(families, 'zot_http_ratelimited_requests_total', { method, scope }) ?? 0;
  return total;
}

describe('http.ratelimit', () => {
  let registry: TestRegistry | undefined;
  afterEach(async () => {
    await registry?.dispose();
    registry = undefined;
  });

  it('refuses the second request of a client within the second with 429 TOOMANYREQUESTS and Retry-After', async () => {
    registry = await startTestRegistry({ http: { ratelimit: { rate: 1 } } });
    const first = await fetch(`${registry.url}/v2/`);
    expect(first.status).toBe(200);
    const second = await fetch(`${registry.url}/v2/`);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(second.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await second.json()) as { errors: Array<{ code: string; detail: { rate: number } }> };
    expect(body.errors[0]?.code).toBe('TOOMANYREQUESTS');
    expect(body.errors[0]?.detail.rate).toBe(1);
    // another client (address) has its own bucket
    expect((await getFrom('127.0.0.2', registry.url, '/v2/')).status).toBe(200);
    // the bucket refills at the rate
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect((await fetch(`${registry.url}/v2/`)).status).toBe(200);
  });

  it('limits one method by its own rate and leaves the others alone', async () => {
    registry = await startTestRegistry({ http: { ratelimit: { methods: [{ method: 'GET', rate: 1 }] } } });
    expect((await fetch(`${registry.url}/v2/`)).status).toBe(200);
    const refused = await fetch(`${registry.url}/v2/`);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { errors: Array<{ detail: unknown }> }).errors[0]?.detail).toEqual({
      rate: 1,
      method: 'GET',
    });
    for (let i = 0; i < 3; i += 1)
      expect((await fetch(`${registry.url}/v2/`, { method: 'HEAD' })).status).toBe(200);
  });

  it('applies the overall rate and the method rate together: the stricter wins (zot)', async () => {
    registry = await startTestRegistry({
      http: { ratelimit: { rate: 1, methods: [{ method: 'GET', rate: 100 }] } },
    });
    expect((await fetch(`${registry.url}/v2/`)).status).toBe(200);
    expect((await fetch(`${registry.url}/v2/`)).status).toBe(429);
  });

  it('never limits health probes or the metrics scrape, and counts refusals in zot_http_ratelimited_requests_total', async () => {
    registry = await startTestRegistry({
      http: { ratelimit: { rate: 1 } },
      extensions: { metrics: { enable: true } },
    });
    expect((await fetch(`${registry.url}/v2/`)).status).toBe(200);
    for (let i = 0; i < 3; i += 1) expect((await fetch(`${registry.url}/v2/_catalog`)).status).toBe(429);
    for (const path of ['/livez', '/readyz', '/startupz', '/livez', '/readyz'])
      expect((await fetch(`${registry.url}${path}`)).status, path).toBe(200);
    expect(await refusedSamples(registry, 'client')).toBe(3);
    expect(await refusedSamples(registry, 'user')).toBe(0);
  });

  it('holds an authenticated user to the rate from any address, and other users and clients keep theirs', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'zot-ratelimit-'));
    try {
      const htpasswd = join(directory, 'htpasswd');
      writeFileSync(htpasswd, `${htpasswdLines({ alice: 'alice-pw', bob: 'bob-pw' })}\n`);
      registry = await startTestRegistry({
        http: { ratelimit: { rate: 1 }, auth: { htpasswd: { path: htpasswd } } },
        extensions: { metrics: { enable: true } },
      });
      const alice = { Authorization: basic('alice', 'alice-pw') };
      expect((await getFrom('127.0.0.1', registry.url, '/v2/', alice)).status).toBe(200);
      // a new address: its client bucket is full, but alice's own is empty
      const refused = await getFrom('127.0.0.2', registry.url, '/v2/', alice);
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('1');
      expect(JSON.parse(refused.body).errors[0].code).toBe('TOOMANYREQUESTS');
      expect(
        (await getFrom('127.0.0.3', registry.url, '/v2/', { Authorization: basic('bob', 'bob-pw') })).status,
      ).toBe(200);
      // an anonymous client is judged by its address only (and then refused by auth, not by the limit)
      expect((await getFrom('127.0.0.4', registry.url, '/v2/')).status).toBe(401);
      expect(await refusedSamples(registry, 'user', { Authorization: basic('bob', 'bob-pw') })).toBe(1);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasSkopeo)(
    'lets skopeo pull through a GET limit: it waits Retry-After and retries',
    async () => {
      registry = await startTestRegistry({
        http: { ratelimit: { methods: [{ method: 'GET', rate: 2 }] } },
        extensions: { metrics: { enable: true } },
      });
      const image = gcImage('ratelimit', [
        layerOf('one', 4096),
        layerOf('two', 4096),
        layerOf('three', 4096),
      ]);
      await pushImage(registry.url, 'limited/app', image, 'v1');
      const target = join(registry.directory, 'pulled');
      await run(
        'skopeo',
        [
          'copy',
          '--src-tls-verify=false',
          `docker://${new URL(registry.url).host}/limited/app:v1`,
          `oci:${target}:v1`,
        ],
        { timeout: 60_000 },
      );
      // the pull needed more GETs than the limit lets through at once: some were refused, and retried
      expect(await refusedSamples(registry, 'client')).toBeGreaterThan(0);
      expect(existsSync(join(target, 'index.json'))).toBe(true);
    },
    90_000,
  );

  it.skipIf(!hasPodman || !hasSkopeo)(
    'lets podman pull through a GET limit as well',
    async () => {
      registry = await startTestRegistry({
        http: { ratelimit: { methods: [{ method: 'GET', rate: 2 }] } },
        extensions: { metrics: { enable: true } },
      });
      // an image with three real tar layers (podman unpacks them), made by umoci and pushed by skopeo
      const layout = join(registry.directory, 'layout');
      await run('umoci', ['init', '--layout', layout]);
      await run('umoci', ['new', '--image', `${layout}:v1`]);
      for (const name of ['one', 'two', 'three']) {
        const file = join(registry.directory, `${name}.txt`);
        writeFileSync(file, `layer ${name}\n`);
        await run('umoci', ['insert', '--image', `${layout}:v1`, file, `/${name}.txt`]);
      }
      const reference = `${new URL(registry.url).host}/limited/podman:v1`;
      await run('skopeo', ['copy', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${reference}`]);
      const storage = join(registry.directory, 'podman');
      const containerStorage = [
        '--root',
        join(storage, 'root'),
        '--runroot',
        join(storage, 'run'),
        '--storage-driver',
        'vfs',
      ];
      await run('podman', [...containerStorage, 'pull', '--tls-verify=false', reference], {
        timeout: 60_000,
      });
      const { stdout } = await run('podman', [
        ...containerStorage,
        'images',
        '--format',
        '{{.Repository}}:{{.Tag}}',
      ]);
      expect(stdout).toContain('limited/podman:v1');
      expect(await refusedSamples(registry, 'client')).toBeGreaterThan(0);
    },
    90_000,
  );
});

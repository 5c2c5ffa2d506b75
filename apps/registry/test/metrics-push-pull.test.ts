// Issue 9, metrics: a real server with extensions.metrics on; images pushed and pulled over HTTP; then the
// scrape, parsed strictly, must count exactly what happened, with zot's names and labels.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@zot-ts/config';
import { afterEach, describe, expect, it } from 'vitest';
import { startRegistry } from '../src/index.js';
import { registryVersion } from '../src/version.js';
import { client, makeImage, ociManifestType } from './conformance-fixtures.js';
import type { TestRegistry } from './helpers.js';
import {
  diskRepoBytes,
  eventually,
  expectedRepoBytes,
  repoDirectory,
  sample,
  scrape,
  startMetricsRegistry,
} from './metrics-helpers.js';

const started: TestRegistry[] = [];
async function start(config?: Record<string, unknown>): Promise<TestRegistry> {
  const registry = await startMetricsRegistry(config);
  started.push(registry);
  return registry;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((r) => r.dispose()));
});

describe('metrics of a push and a pull', () => {
  it('counts requests by method and code, uploads, downloads and storage bytes per repository', async () => {
    const registry = await start();
    const oci = client(registry.url);
    const image = makeImage('metrics-push-pull');

    // push: POST + PUT per blob (2 blobs), then PUT manifest
    expect((await oci.pushImage('team/app', image, 'v1')).status).toBe(201);
    // pull: GET manifest, GET config, GET layer; a HEAD of the manifest; a miss
    const pulled = await fetch(`${registry.url}/v2/team/app/manifests/v1`, {
      headers: { Accept: ociManifestType },
    });
    expect(await pulled.text()).toBe(image.manifest);
    for (const blob of JSON.parse(image.manifest).layers.concat(JSON.parse(image.manifest).config)) {
      const response = await fetch(`${registry.url}/v2/team/app/blobs/${blob.digest}`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    expect((await fetch(`${registry.url}/v2/team/app/manifests/v1`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${registry.url}/v2/team/app/manifests/missing`)).status).toBe(404);

    const families = await eventually(registry, (f) =>
      expect(sample(f, 'zot_repo_storage_bytes', { repo: 'team/app' })).toBe(
        expectedRepoBytes(repoDirectory(registry, 'team/app'), [image]),
      ),
    );
    expect(sample(families, 'zot_http_requests_total', { method: 'POST', code: '202' })).toBe(2);
    expect(sample(families, 'zot_http_requests_total', { method: 'PUT', code: '201' })).toBe(3);
    expect(sample(families, 'zot_http_requests_total', { method: 'GET', code: '200' })).toBe(3);
    expect(sample(families, 'zot_http_requests_total', { method: 'HEAD', code: '200' })).toBe(1);
    expect(sample(families, 'zot_http_requests_total', { method: 'GET', code: '404' })).toBe(1);
    // zot: one upload per manifest put, one download per manifest GET (HEAD is no download)
    expect(sample(families, 'zot_repo_uploads_total', { repo: 'team/app' })).toBe(1);
    expect(sample(families, 'zot_repo_downloads_total', { repo: 'team/app' })).toBe(1);
    expect(sample(families, 'zot_upload_sessions')).toBe(0);
    expect(sample(families, 'zot_http_requests_in_flight')).toBe(0);
    expect(sample(families, 'zot_info', { version: registryVersion })).toBe(0);
  });

  it('measures latency in real, fractional seconds, by method and by repository', async () => {
    const registry = await start();
    const oci = client(registry.url);
    const wallStarted = performance.now();
    await oci.pushImage('latency/app', makeImage('latency'), 'v1');
    for (let i = 0; i < 5; i += 1) await (await fetch(`${registry.url}/v2/latency/app/manifests/v1`)).text();
    await (await fetch(`${registry.url}/v2/_catalog`)).text();
    const wallSeconds = (performance.now() - wallStarted) / 1000;

    const { families } = await scrape(registry);
    const getCount = sample(families, 'zot_http_method_latency_seconds_count', { method: 'GET' });
    const getSum = sample(families, 'zot_http_method_latency_seconds_sum', { method: 'GET' }) ?? Number.NaN;
    expect(getCount).toBe(6);
    // zot truncates to whole seconds, which makes every fast request 0: ours are real and below the wall clock
    expect(getSum).toBeGreaterThan(0);
    expect(getSum).toBeLessThan(wallSeconds);
    expect(sample(families, 'zot_http_method_latency_seconds_bucket', { method: 'GET', le: '+Inf' })).toBe(6);
    expect(sample(families, 'zot_http_method_latency_seconds_bucket', { method: 'GET', le: '5' })).toBe(6);
    expect(sample(families, 'zot_http_repo_latency_seconds_count', { repo: 'latency/app' })).toBe(10);
    // registry-wide routes are labelled as zot labels them
    expect(sample(families, 'zot_http_repo_latency_seconds_count', { repo: 'N/A' })).toBe(1);
    const repoSum = sample(families, 'zot_http_repo_latency_seconds_sum', { repo: 'latency/app' }) ?? 0;
    expect(repoSum).toBeGreaterThan(0);
    expect(repoSum).toBeLessThan(wallSeconds);
  });

  it('does not count the scrape itself, and counts requests outside the distribution API', async () => {
    const registry = await start();
    await scrape(registry);
    await scrape(registry);
    expect((await fetch(`${registry.url}/no/such/route`)).status).toBe(404);
    const { families } = await scrape(registry);
    // no series at all for GET 200: neither scrape was counted
    expect(sample(families, 'zot_http_requests_total', { method: 'GET', code: '200' })).toBeUndefined();
    expect(sample(families, 'zot_http_requests_total', { method: 'GET', code: '404' })).toBe(1);
    expect(sample(families, 'zot_http_repo_latency_seconds_count', { repo: 'N/A' })).toBe(1);
  });

  it('shows a request in flight while its body is still streaming, and none once it is done', async () => {
    const registry = await start();
    const session = await fetch(`${registry.url}/v2/slow/app/blobs/uploads/`, { method: 'POST' });
    const location = session.headers.get('location') ?? '';
    let push: (chunk: Uint8Array) => void = () => {};
    let end: () => void = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (chunk) => controller.enqueue(chunk);
        end = () => controller.close();
      },
    });
    const patching = fetch(`${registry.url}${location}`, {
      method: 'PATCH',
      body,
      headers: { 'Content-Type': 'application/octet-stream' },
      duplex: 'half',
    } as RequestInit);
    push(new Uint8Array(1024));
    await eventually(registry, (f) => expect(sample(f, 'zot_http_requests_in_flight')).toBe(1));
    expect(sample((await scrape(registry)).families, 'zot_upload_sessions')).toBe(1);
    end();
    expect((await patching).status).toBe(202);
    await eventually(registry, (f) => expect(sample(f, 'zot_http_requests_in_flight')).toBe(0));
  });
});

describe('metrics configuration', () => {
  it('serves nothing at /metrics when the metrics extension is off', async () => {
    const absent = await start({ extensions: {} });
    expect((await fetch(`${absent.url}/metrics`)).status).toBe(404);
    const disabled = await start({ extensions: { metrics: { enable: false } } });
    expect((await fetch(`${disabled.url}/metrics`)).status).toBe(404);
  });

  it('serves at extensions.metrics.prometheus.path', async () => {
    const registry = await start({
      extensions: { metrics: { enable: true, prometheus: { path: '/internal/prom' } } },
    });
    expect((await fetch(`${registry.url}/metrics`)).status).toBe(404);
    const { families } = await scrape(registry, '/internal/prom');
    expect(families.has('zot_http_requests_total')).toBe(true);
    // the scrape at the configured path is the one left uncounted; /metrics is an ordinary 404 here
    expect(sample(families, 'zot_http_requests_total', { method: 'GET', code: '404' })).toBe(1);
  });

  it('keeps the size exact after deletions through the API and for repositories under storage.subPaths', async () => {
    const subRoot = mkdtempSync(join(tmpdir(), 'zot-metrics-sub-'));
    try {
      const registry = await start({ storage: { subPaths: { '/mirror': { rootDirectory: subRoot } } } });
      const oci = client(registry.url);
      const first = makeImage('sub-first');
      const second = makeImage('sub-second');
      await oci.pushImage('mirror/app', first, 'v1');
      await oci.pushImage('mirror/app', second, 'v2');
      // the repository lives under the subPath's root, not the default one
      const directory = join(subRoot, 'mirror/app');
      const both = expectedRepoBytes(directory, [first, second]);
      await eventually(registry, (f) =>
        expect(sample(f, 'zot_repo_storage_bytes', { repo: 'mirror/app' })).toBe(both),
      );

      // a deletion event carries no size: only the measurement after it can know what is left
      const deleted = await fetch(`${registry.url}/v2/mirror/app/manifests/${second.digest}`, {
        method: 'DELETE',
      });
      expect(deleted.status).toBe(202);
      const left = diskRepoBytes(directory);
      expect(left).toBeLessThan(both);
      await eventually(registry, (f) =>
        expect(sample(f, 'zot_repo_storage_bytes', { repo: 'mirror/app' })).toBe(left),
      );
    } finally {
      rmSync(subRoot, { recursive: true, force: true });
    }
  });

  it('measures the repositories already on disk when the server starts, by a walk in the background', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'zot-metrics-'));
    const config = parseConfig({
      storage: { rootDirectory: join(directory, 'data') },
      http: { address: '127.0.0.1', port: 5000 },
      log: { level: 'error' },
      extensions: { metrics: { enable: true } },
    });
    try {
      const first = await startRegistry({ config, port: 0 });
      const image = makeImage('already-there');
      await client(first.url).pushImage('kept/app', image, 'v1');
      await first.close();
      const expected = expectedRepoBytes(repoDirectory({ directory }, 'kept/app'), [image]);

      // a second server over the same root has seen no event: only the walk at start can know the size
      const second = await startRegistry({ config, port: 0 });
      try {
        await eventually(second, (f) =>
          expect(sample(f, 'zot_repo_storage_bytes', { repo: 'kept/app' })).toBe(expected),
        );
      } finally {
        await second.close();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

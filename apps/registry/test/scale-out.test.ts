// Issue 17 through real servers: three registry instances on one storage root and one Redis (two in this
// process, each with its own store objects and caches; one `zot serve` child process that is killed with SIGKILL),
// behind haproxy (round robin per request, no stickiness). One Redis, one haproxy, one set of instances per file;
// the tests run in order and share them.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../src/index.js';
import { basic, htpasswdLines } from './auth-fixtures.js';
import { type GcImage, gcImage, layerOf } from './gc-fixtures.js';
import { sha256 } from './helpers.js';
import {
  type ChildRegistry,
  freePort,
  type Haproxy,
  sharedConfig,
  startChild,
  startHaproxy,
  startInProcess,
  startRedis,
  type TestRedis,
} from './scale-out-fixtures.js';
import {
  alice,
  digestsByTag,
  expectPullable,
  ociLayout,
  on,
  pushImage,
  tagsOn,
  withDigest,
} from './scale-out-images.js';

const run = promisify(execFile);

let redis: TestRedis;
let directory: string;
let root: string;
let a: Awaited<ReturnType<typeof startInProcess>>;
let b: Awaited<ReturnType<typeof startInProcess>>;
let child: ChildRegistry;
let haproxy: Haproxy;
/** The three instances' URLs. */
let instances: string[];
const random = () => instances[Math.floor(Math.random() * instances.length)] as string;

beforeAll(async () => {
  redis = await startRedis();
  directory = mkdtempSync(join(tmpdir(), 'zot-scale-out-'));
  root = join(directory, 'data');
  mkdirSync(root);
  const htpasswd = join(directory, 'htpasswd');
  writeFileSync(htpasswd, htpasswdLines({ alice: 'alice-pw' }));
  const childPort = await freePort();
  const config = (port: number) =>
    sharedConfig({
      root,
      redisUrl: redis.url,
      keyPrefix: `zot-${randomUUID()}`,
      htpasswd,
      port,
      extra: { storage: { gc: true, gcDelay: '3s', gcInterval: '1h' } },
    });
  const shared = config(childPort);
  // `a` starts first, so its start-up GC pass takes the GC lease (the holder keeps it while it lives)
  a = await startInProcess(shared);
  b = await startInProcess(shared);
  child = await startChild(directory, shared, childPort);
  instances = [a.url, b.url, child.url];
  haproxy = await startHaproxy(
    directory,
    await freePort(),
    instances.map((url) => url.replace('http://', '')),
  );
}, 90_000);

afterAll(async () => {
  // SCALE_OUT_LOG=error shows the child's log (the in-process instances log to this process's stdout)
  if (process.env.SCALE_OUT_LOG && directory)
    for (const file of readdirSync(directory).filter((f) => f.endsWith('.log')))
      console.error(readFileSync(join(directory, file), 'utf8'));
  await haproxy?.stop();
  if (child && child.child.exitCode === null) {
    child.child.kill('SIGKILL');
    await child.exited;
  }
  await Promise.all([a?.close(), b?.close()]);
  await redis?.stop();
  if (directory) rmSync(directory, { recursive: true, force: true });
}, 30_000);

describe('three instances behind haproxy on one storage root and one Redis', () => {
  it('skopeo pushes and pulls through the balancer; requests reach every instance', async () => {
    const image = gcImage('skopeo', [layerOf('skopeo-1', 300_000), layerOf('skopeo-2', 200_000)]);
    const layout = join(directory, 'layout');
    ociLayout(layout, image, 'v1');
    const host = haproxy.url.replace('http://', '');
    const [beforeA, beforeB] = [a.requests.count, b.requests.count];
    await run('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      '--dest-creds=alice:alice-pw',
      '--preserve-digests',
      `oci:${layout}:v1`,
      `docker://${host}/apps/web:v1`,
    ]);
    const out = join(directory, 'pulled');
    await run('skopeo', [
      'copy',
      '--src-tls-verify=false',
      '--src-creds=alice:alice-pw',
      '--preserve-digests',
      `docker://${host}/apps/web:v1`,
      `oci:${out}:v1`,
    ]);
    const pulled = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as {
      manifests: Array<{ digest: string }>;
    };
    expect(pulled.manifests[0]?.digest).toBe(image.digest);
    for (const base of instances) await expectPullable(base, 'apps/web', image, 'v1');
    // round robin per request: both in-process instances served part of the push and pull
    expect(a.requests.count).toBeGreaterThan(beforeA);
    expect(b.requests.count).toBeGreaterThan(beforeB);
  }, 60_000);

  it('a chunked upload whose POST, PATCHes and PUT land on different instances completes', async () => {
    const content = Buffer.concat([layerOf('chunk-a', 100_000), layerOf('chunk-b', 70_000)]);
    const started = await fetch(`${a.url}/v2/chunked/blobs/uploads/`, { method: 'POST', headers: alice });
    expect(started.status).toBe(202);
    let location = started.headers.get('location') ?? '';
    const chunks = [content.subarray(0, 100_000), content.subarray(100_000)];
    let offset = 0;
    for (const [i, chunk] of chunks.entries()) {
      const base = [b.url, child.url][i] as string;
      const patched = await fetch(on(base, location), {
        method: 'PATCH',
        body: chunk,
        headers: {
          ...alice,
          'Content-Type': 'application/octet-stream',
          'Content-Range': `${offset}-${offset + chunk.length - 1}`,
        },
      });
      expect(patched.status, await patched.text()).toBe(202);
      offset += chunk.length;
      expect(patched.headers.get('range')).toBe(`0-${offset - 1}`);
      location = patched.headers.get('location') ?? location;
    }
    const target = on(a.url, location);
    const done = await fetch(withDigest(target, sha256(content)), {
      method: 'PUT',
      headers: alice,
    });
    expect(done.status, await done.text()).toBe(201);
    const blob = await fetch(`${b.url}/v2/chunked/blobs/${sha256(content)}`, { headers: alice });
    expect(sha256(Buffer.from(await blob.arrayBuffer()))).toBe(sha256(content));
  }, 30_000);

  it('8 clients pushing different tags of one repository at once, each request to a random instance, lose no tag (zot #4337)', async () => {
    const clients = 8;
    const perClient = 3;
    const pushed: Array<{ tag: string; image: GcImage }> = [];
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        for (let i = 0; i < perClient; i++) {
          const tag = `c${client}-t${i}`;
          const image = gcImage(tag, [layerOf(`race-${tag}`, 4096)]);
          expect(await pushImage(random, 'race/app', image, tag)).toBe(201);
          pushed.push({ tag, image });
        }
      }),
    );
    const expected = pushed.map((p) => p.tag).sort();
    for (const base of instances) expect((await tagsOn(base, 'race/app')).sort()).toEqual(expected);
    // index.json: valid, every tag exactly once, pointing at the manifest pushed under it
    const byTag = digestsByTag(readFileSync(join(root, 'race', 'app', 'index.json'), 'utf8'));
    for (const { tag, image } of pushed) expect(byTag.get(tag)).toEqual([image.digest]);
    expect(byTag.size).toBe(clients * perClient);
    for (const { tag, image } of pushed.slice(0, 4)) await expectPullable(random(), 'race/app', image, tag);
  }, 60_000);

  it('a login session and an API key made on one instance work on the others', async () => {
    const ui = { 'X-ZOT-API-CLIENT': 'zot-ui' };
    const login = await fetch(`${a.url}/v2/_catalog`, { headers: { ...alice, ...ui } });
    expect(login.status).toBe(200);
    const cookie =
      (login.headers.getSetCookie().find((c) => c.startsWith('session=')) ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^session=./);
    for (const base of [b.url, child.url]) {
      const response = await fetch(`${base}/v2/_catalog`, { headers: { ...ui, Cookie: cookie } });
      expect(response.status, base).toBe(200);
    }
    const created = await fetch(`${b.url}/zot/auth/apikey`, {
      method: 'POST',
      headers: { ...alice, 'Content-Type': 'application/json' },
      body: JSON.stringify({ label: 'ci', scopes: [] }),
    });
    expect(created.status).toBe(201);
    const { apiKey, uuid } = (await created.json()) as { apiKey: string; uuid: string };
    const withKey = { Authorization: basic('alice', apiKey) };
    for (const base of [a.url, child.url]) {
      expect((await fetch(`${base}/v2/_catalog`, { headers: withKey })).status, base).toBe(200);
    }
    const revoked = await fetch(`${child.url}/zot/auth/apikey?id=${uuid}`, {
      method: 'DELETE',
      headers: alice,
    });
    expect(revoked.status).toBe(200);
    expect((await fetch(`${a.url}/v2/_catalog`, { headers: withKey })).status).toBe(401);
  }, 30_000);
});

describe('GC with several instances', () => {
  it('runs on one instance at a time and deletes nothing live while pushes run through the balancer', async () => {
    const gcRuns = new Map<RunningRegistry, number>([
      [a, 0],
      [b, 0],
    ]);
    const unsubscribe = [a, b].map((instance) =>
      instance.registry.store.subscribe((event) => {
        if (event.type === 'gcRun') gcRuns.set(instance, (gcRuns.get(instance) ?? 0) + 1);
      }),
    );
    // garbage: an image pushed and deleted, older than gcDelay (3s) when GC runs
    const garbage = gcImage('garbage', [layerOf('garbage-layer', 8192)]);
    expect(await pushImage(random, 'gc/app', garbage, 'old')).toBe(201);
    const deleted = await fetch(`${random()}/v2/gc/app/manifests/${garbage.digest}`, {
      method: 'DELETE',
      headers: alice,
    });
    expect(deleted.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 3_300));

    const gcOf = (instance: RunningRegistry) => {
      const feature = instance.registry.features.find((f) => 'gc' in f) as {
        gc: { runNow(): Promise<void> };
      };
      return feature.gc;
    };
    const live: Array<{ tag: string; image: GcImage }> = [];
    const pushes = (async () => {
      for (let i = 0; i < 6; i++) {
        const image = gcImage(`live-${i}`, [layerOf(`live-layer-${i}`, 16_384)]);
        expect(await pushImage(() => haproxy.url, 'gc/app', image, `live-${i}`)).toBe(201);
        live.push({ tag: `live-${i}`, image });
      }
    })();
    // both in-process instances try to collect, several times, while the pushes run
    for (let round = 0; round < 3; round++) await Promise.all([gcOf(a).runNow(), gcOf(b).runNow()]);
    await pushes;
    for (const stop of unsubscribe) stop();

    // `a` holds the lease (it started first): it collected, `b` never did
    expect(gcRuns.get(a)).toBeGreaterThan(0);
    expect(gcRuns.get(b)).toBe(0);
    const garbageLayer = sha256(garbage.layers[0] as Buffer);
    expect(() => statSync(join(root, 'gc', 'app', 'blobs', 'sha256', garbageLayer.slice(7)))).toThrow();
    for (const { tag, image } of live) await expectPullable(random(), 'gc/app', image, tag);

    // the holder goes away (a clean stop gives the lease up): another instance collects
    await a.close();
    instances = [b.url, child.url];
    await gcOf(b).runNow();
    expect(gcRuns.get(b)).toBe(0); // unsubscribed: count through a fresh subscription
    let bRuns = 0;
    const stop = b.registry.store.subscribe((event) => {
      if (event.type === 'gcRun') bRuns++;
    });
    await gcOf(b).runNow();
    stop();
    expect(bRuns).toBeGreaterThan(0);
  }, 60_000);
});

describe('an instance killed with SIGKILL', () => {
  it('loses no acknowledged push, and its interrupted upload resumes through another instance', async () => {
    const acknowledged = gcImage('before-kill', [layerOf('before-kill-layer', 50_000)]);
    expect(await pushImage(() => child.url, 'crash/app', acknowledged, 'v1')).toBe(201);

    // an upload streaming into the child when it dies
    const started = await fetch(`${child.url}/v2/crash/app/blobs/uploads/`, {
      method: 'POST',
      headers: alice,
    });
    const location = started.headers.get('location') ?? '';
    const uploadId = location.split('/').pop()?.split('?')[0] ?? '';
    const content = layerOf('interrupted', 4 * 1024 * 1024);
    const partial = join(root, 'crash', 'app', '.uploads', uploadId);
    const target = new URL(on(child.url, location));
    const patch = request({
      host: target.hostname,
      port: target.port,
      path: `${target.pathname}${target.search}`,
      method: 'PATCH',
      headers: { ...alice, 'Content-Type': 'application/octet-stream' },
    });
    patch.on('error', () => undefined); // the server dies under it
    patch.write(content.subarray(0, 1024 * 1024));
    // wait until the child has written part of it, then kill it mid-request
    const deadline = Date.now() + 10_000;
    while ((statSync(partial, { throwIfNoEntry: false })?.size ?? 0) === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.child.kill('SIGKILL');
    await child.exited;
    patch.destroy();

    // every acknowledged push is readable from the survivors, directly and through the balancer
    for (const base of [b.url, haproxy.url]) await expectPullable(base, 'crash/app', acknowledged, 'v1');

    // resume: the survivors report how much arrived; the rest goes through `b` (the child's upload lock expires)
    const status = await fetch(on(b.url, location), { headers: alice });
    expect(status.status).toBe(204);
    const offset = Number((status.headers.get('range') ?? '0-0').split('-')[1]) + 1;
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(1024 * 1024);
    const rest = content.subarray(offset);
    const resumed = await fetch(on(b.url, location), {
      method: 'PATCH',
      body: rest,
      headers: {
        ...alice,
        'Content-Type': 'application/octet-stream',
        'Content-Range': `${offset}-${content.length - 1}`,
      },
    });
    expect(resumed.status, await resumed.text()).toBe(202);
    const finish = on(b.url, resumed.headers.get('location') ?? location);
    const done = await fetch(withDigest(finish, sha256(content)), {
      method: 'PUT',
      headers: alice,
    });
    expect(done.status, await done.text()).toBe(201);
    const blob = await fetch(`${haproxy.url}/v2/crash/app/blobs/${sha256(content)}`, { headers: alice });
    expect(sha256(Buffer.from(await blob.arrayBuffer()))).toBe(sha256(content));
  }, 60_000);
});

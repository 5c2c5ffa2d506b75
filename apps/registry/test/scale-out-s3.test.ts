// Issue 17's gate on the real engines together: three registry instances whose images live in one Ceph RGW bucket
// and whose metadata, locks, GC lease and sessions live in one Redis (two in this process, each with its own store
// objects and caches; one `zot serve` child process that is killed with SIGKILL), behind haproxy (round robin per
// request, no stickiness). scale-out.test.ts runs the same cases on a shared local root; this file proves them
// where teams scale out: on S3. One Ceph, one Redis, one haproxy per file; the tests run in order and share them.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type S3Engine, startS3Engine } from '@zot-ts/s3-driver/testing';
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
const MiB = 1024 * 1024;
/** The images' directory in the bucket. */
const PREFIX = 'scale';

let engine: S3Engine;
let redis: TestRedis;
let directory: string;
let a: Awaited<ReturnType<typeof startInProcess>>;
let b: Awaited<ReturnType<typeof startInProcess>>;
let child: ChildRegistry;
let haproxy: Haproxy;
let instances: string[];
const random = () => instances[Math.floor(Math.random() * instances.length)] as string;

beforeAll(async () => {
  [engine, redis] = await Promise.all([startS3Engine(), startRedis()]);
  directory = mkdtempSync(join(tmpdir(), 'zot-scale-s3-'));
  const htpasswd = join(directory, 'htpasswd');
  writeFileSync(htpasswd, htpasswdLines({ alice: 'alice-pw' }));
  const childPort = await freePort();
  const shared = sharedConfig({
    // the local root holds nothing shared here: images are in the bucket, metadata in Redis
    root: join(directory, 'local'),
    redisUrl: redis.url,
    keyPrefix: `zot-${randomUUID()}`,
    htpasswd,
    port: childPort,
    extra: {
      storage: { storageDriver: engine.storageDriver(PREFIX), gc: true, gcDelay: '3s', gcInterval: '1h' },
    },
  });
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
}, 150_000);

afterAll(async () => {
  if (process.env.SCALE_OUT_LOG && directory)
    for (const file of readdirSync(directory).filter((f) => f.endsWith('.log')))
      console.error(readFileSync(join(directory, file), 'utf8'));
  await haproxy?.stop();
  if (child && child.child.exitCode === null) {
    child.child.kill('SIGKILL');
    await child.exited;
  }
  await Promise.all([a?.close(), b?.close()]);
  await Promise.all([redis?.stop(), engine?.stop()]);
  if (directory) rmSync(directory, { recursive: true, force: true });
}, 60_000);

describe('three instances behind haproxy on Ceph RGW and one Redis', () => {
  it('skopeo pushes and pulls through the balancer; every instance serves the image from the bucket', async () => {
    // one layer over S3's 5 MiB part minimum, so the push goes through multipart
    const image = gcImage('skopeo', [randomBytes(6 * MiB), layerOf('skopeo-2', 200_000)]);
    const layout = join(directory, 'layout');
    ociLayout(layout, image, 'v1');
    const host = haproxy.url.replace('http://', '');
    const [beforeA, beforeB] = [a.requests.count, b.requests.count];
    const creds = 'alice:alice-pw';
    await run('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      `--dest-creds=${creds}`,
      '--preserve-digests',
      `oci:${layout}:v1`,
      `docker://${host}/apps/web:v1`,
    ]);
    const out = join(directory, 'pulled');
    await run('skopeo', [
      'copy',
      '--src-tls-verify=false',
      `--src-creds=${creds}`,
      '--preserve-digests',
      `docker://${host}/apps/web:v1`,
      `oci:${out}:v1`,
    ]);
    const pulled = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as {
      manifests: Array<{ digest: string }>;
    };
    expect(pulled.manifests[0]?.digest).toBe(image.digest);
    for (const base of instances) await expectPullable(base, 'apps/web', image, 'v1');
    // the bytes are in the bucket, not on any instance's disk
    const bucket = engine.driver(PREFIX);
    const layer = sha256(image.layers[0] as Buffer).slice(7);
    expect((await bucket.stat(`apps/web/blobs/sha256/${layer}`))?.size).toBe(6 * MiB);
    expect(a.requests.count).toBeGreaterThan(beforeA);
    expect(b.requests.count).toBeGreaterThan(beforeB);
  }, 90_000);

  it('a chunked upload whose POST, PATCHes and PUT land on different instances completes', async () => {
    // small, then over the part minimum, then small: the S3 upload state must travel between instances
    const chunks = [randomBytes(300_000), randomBytes(6 * MiB), randomBytes(12_345)];
    const content = Buffer.concat(chunks);
    const started = await fetch(`${a.url}/v2/chunked/blobs/uploads/`, { method: 'POST', headers: alice });
    expect(started.status).toBe(202);
    let location = started.headers.get('location') ?? '';
    let offset = 0;
    for (const [i, chunk] of chunks.entries()) {
      const base = [b.url, child.url, a.url][i] as string;
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
    const done = await fetch(withDigest(on(b.url, location), sha256(content)), {
      method: 'PUT',
      headers: alice,
    });
    expect(done.status, await done.text()).toBe(201);
    const blob = await fetch(`${child.url}/v2/chunked/blobs/${sha256(content)}`, { headers: alice });
    expect(sha256(Buffer.from(await blob.arrayBuffer()))).toBe(sha256(content));
  }, 60_000);

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
    // the index in the bucket: valid, every tag exactly once, pointing at the manifest pushed under it
    const stored = await engine.driver(PREFIX).getContent('race/app/index.json');
    const byTag = digestsByTag(Buffer.from(stored ?? new Uint8Array()).toString('utf8'));
    for (const { tag, image } of pushed) expect(byTag.get(tag)).toEqual([image.digest]);
    expect(byTag.size).toBe(clients * perClient);
    for (const { tag, image } of pushed.slice(0, 4)) await expectPullable(random(), 'race/app', image, tag);
  }, 90_000);

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
    for (const base of [a.url, child.url])
      expect((await fetch(`${base}/v2/_catalog`, { headers: withKey })).status, base).toBe(200);
    const revoked = await fetch(`${child.url}/zot/auth/apikey?id=${uuid}`, {
      method: 'DELETE',
      headers: alice,
    });
    expect(revoked.status).toBe(200);
    expect((await fetch(`${a.url}/v2/_catalog`, { headers: withKey })).status).toBe(401);
  }, 30_000);
});

describe('an instance killed with SIGKILL on S3', () => {
  it('loses no acknowledged push, and its interrupted upload resumes through another instance', async () => {
    const acknowledged = gcImage('before-kill', [layerOf('before-kill-layer', 50_000)]);
    expect(await pushImage(() => child.url, 'crash/app', acknowledged, 'v1')).toBe(201);

    const head = randomBytes(MiB);
    const tail = randomBytes(16 * MiB);
    const digest = sha256(Buffer.concat([head, tail]));
    const started = await fetch(`${child.url}/v2/crash/app/blobs/uploads/`, {
      method: 'POST',
      headers: alice,
    });
    const location = started.headers.get('location') ?? '';
    const first = await fetch(on(child.url, location), {
      method: 'PATCH',
      body: head,
      headers: {
        ...alice,
        'Content-Type': 'application/octet-stream',
        'Content-Range': `0-${head.length - 1}`,
      },
    });
    expect(first.status).toBe(202);
    // the second PATCH streams 12 MiB (parts reach the bucket) and stalls until the process dies
    let offered = 0;
    const stalled = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offered >= 12 * MiB) return new Promise(() => {});
        controller.enqueue(new Uint8Array(tail.subarray(offered, offered + MiB)));
        offered += MiB;
        return undefined;
      },
    });
    const doomed = fetch(on(child.url, location), {
      method: 'PATCH',
      body: stalled,
      duplex: 'half',
      headers: { ...alice, 'Content-Type': 'application/octet-stream' },
    } as RequestInit).catch(() => undefined);
    while (offered < 12 * MiB) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.child.kill('SIGKILL');
    await child.exited;
    await doomed;
    instances = [a.url, b.url];

    // every acknowledged push is readable from the survivors, directly and through the balancer
    for (const base of [a.url, b.url, haproxy.url])
      await expectPullable(base, 'crash/app', acknowledged, 'v1');

    // the survivors see the upload as the last acknowledged PATCH left it (the child's lock expires), and no blob
    const status = await fetch(on(b.url, location), { headers: alice });
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe(`0-${head.length - 1}`);
    const missing = await fetch(`${a.url}/v2/crash/app/blobs/${digest}`, { method: 'HEAD', headers: alice });
    expect(missing.status).toBe(404);
    const resumed = await fetch(on(b.url, location), {
      method: 'PATCH',
      body: tail,
      headers: {
        ...alice,
        'Content-Type': 'application/octet-stream',
        'Content-Range': `${head.length}-${head.length + tail.length - 1}`,
      },
    });
    expect(resumed.status, await resumed.text()).toBe(202);
    const finish = on(a.url, resumed.headers.get('location') ?? location);
    const done = await fetch(withDigest(finish, digest), { method: 'PUT', headers: alice });
    expect(done.status, await done.text()).toBe(201);
    const blob = await fetch(`${haproxy.url}/v2/crash/app/blobs/${digest}`, { headers: alice });
    expect(sha256(Buffer.from(await blob.arrayBuffer()))).toBe(digest);
  }, 90_000);
});

describe('GC with several instances on S3', () => {
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

    const gcOf = (instance: RunningRegistry) =>
      (instance.registry.features.find((f) => 'gc' in f) as { gc: { runNow(): Promise<void> } }).gc;
    const live: Array<{ tag: string; image: GcImage }> = [];
    const pushes = (async () => {
      for (let i = 0; i < 6; i++) {
        const image = gcImage(`live-${i}`, [layerOf(`live-layer-${i}`, 16_384)]);
        expect(await pushImage(() => haproxy.url, 'gc/app', image, `live-${i}`)).toBe(201);
        live.push({ tag: `live-${i}`, image });
      }
    })();
    for (let round = 0; round < 3; round++) await Promise.all([gcOf(a).runNow(), gcOf(b).runNow()]);
    await pushes;
    for (const stop of unsubscribe) stop();

    // `a` holds the lease (it started first): it collected, `b` never did
    expect(gcRuns.get(a)).toBeGreaterThan(0);
    expect(gcRuns.get(b)).toBe(0);
    const garbageLayer = sha256(garbage.layers[0] as Buffer).slice(7);
    expect(await engine.driver(PREFIX).stat(`gc/app/blobs/sha256/${garbageLayer}`)).toBeUndefined();
    for (const { tag, image } of live) await expectPullable(random(), 'gc/app', image, tag);
  }, 90_000);
});

// `node --import tsx apps/registry/bench/scale-bench.ts`: throughput of 1 MiB image pushes and of manifest GETs
// with 1, 2 and 3 `zot serve` instances behind haproxy (round robin, no stickiness), sharing one storage and one
// Redis (docs/scale-out.md), and the same single instance without Redis (the embedded default) as a reference.
// Not a test: prints a table. Each instance is a child process run from the TypeScript sources through tsx.
// Environment:
//   BENCH_INSTANCES   e.g. "1,2,3" (default)
//   BENCH_PUSHES      images pushed per cell (default 96), each one 1 MiB layer + config + manifest
//   BENCH_GETS        manifest GETs per cell (default 3000)
//   BENCH_CONCURRENCY clients at once (default 8 for pushes; GETs use twice as many)
//   BENCH_STORAGE     a JSON file with a zot `storage` section merged into every instance's config, e.g. an S3
//                     storageDriver for Ceph: {"storageDriver": {"name": "s3", "bucket": ..., "regionendpoint": ...}}.
//                     rootDirectory stays a local folder (metadata); the images go where the driver says.
//   BENCH_REDIS_URL   an existing Redis instead of one started here
//   BENCH_S3=1        start a Ceph RGW (../shared/s3-engine) and keep each cell's images in its bucket (a prefix per
//                     cell), and add the engine's ceiling: 1 MiB PutObjects and manifest-sized GetObjects straight
//                     to Ceph with the SDK, at the same concurrencies
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { type S3Engine, startS3Engine } from '@zot-ts/s3-driver/testing';
import {
  type ChildRegistry,
  freePort,
  type Haproxy,
  startChild,
  startHaproxy,
  startRedis,
} from '../test/scale-out-fixtures.js';
import { expectStatus, http, pushImage } from './bench-http.js';

const MiB = 1024 * 1024;
const instanceCounts = (process.env.BENCH_INSTANCES ?? '1,2,3').split(',').map(Number);
const pushes = Number(process.env.BENCH_PUSHES ?? 96);
const gets = Number(process.env.BENCH_GETS ?? 3000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const extraStorage = process.env.BENCH_STORAGE
  ? (JSON.parse(readFileSync(process.env.BENCH_STORAGE, 'utf8')) as Record<string, unknown>)
  : {};
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

interface Cell {
  perSecond: number;
  p50: number;
  p99: number;
}

/** Runs `total` operations with `parallel` workers; per-operation latencies in ms. */
async function cell(total: number, parallel: number, op: (i: number) => Promise<void>): Promise<Cell> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = next++; i < total; i = next++) {
        const at = performance.now();
        await op(i);
        latencies.push(performance.now() - at);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

let engine: S3Engine | undefined;
let cells = 0;

async function runCell(label: string, count: number, redisUrl: string | undefined, directory: string) {
  // the embedded reference keeps zot's local dedupe cache on S3 (remoteCache false); the others share Redis
  const onS3 =
    engine === undefined
      ? {}
      : {
          storageDriver: engine.storageDriver(`cell-${cells++}`),
          ...(redisUrl === undefined ? { remoteCache: false } : {}),
        };
  const root = join(directory, `data-${label}`);
  mkdirSync(root);
  const keyprefix = `bench-${randomUUID()}`;
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const children: ChildRegistry[] = [];
  let haproxy: Haproxy | undefined;
  try {
    for (const port of ports) {
      const storage = {
        rootDirectory: root,
        gc: false,
        ...(redisUrl === undefined
          ? {}
          : { remoteCache: true, cacheDriver: { name: 'redis', url: redisUrl, keyprefix } }),
        ...extraStorage,
        ...onS3,
      };
      const config = { storage, http: { address: '127.0.0.1', port: String(port) }, log: { level: 'error' } };
      children.push(await startChild(directory, config, port));
    }
    haproxy = await startHaproxy(
      directory,
      await freePort(),
      ports.map((port) => `127.0.0.1:${port}`),
    );
    const base = haproxy.url;
    const push = await cell(pushes, concurrency, async (i) => {
      await pushImage(base, 'bench/app', `t${i}`, [MiB]);
    });
    const get = await cell(gets, concurrency * 2, async (i) => {
      const result = await http(base, 'GET', `/v2/bench/app/manifests/t${i % pushes}`, undefined, {
        Accept: 'application/vnd.oci.image.manifest.v1+json',
      });
      expectStatus(result, 200, 'get manifest');
    });
    return { label, push, get };
  } finally {
    await haproxy?.stop();
    for (const child of children) {
      child.child.kill('SIGTERM');
      await child.exited;
    }
  }
}

/** The engine alone: one PutObject of 1 MiB per "push", one GetObject of a manifest-sized object per GET. */
async function engineCeiling(s3: S3Engine) {
  const client = s3.driver('raw').client;
  const push = await cell(pushes, concurrency, async (i) => {
    await client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: `raw/blob-${i}`, Body: randomBytes(MiB) }),
    );
  });
  const manifest = Buffer.alloc(520, 'm');
  await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'raw/manifest', Body: manifest }));
  const get = await cell(gets, concurrency * 2, async () => {
    const object = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'raw/manifest' }));
    await object.Body?.transformToByteArray();
  });
  return { label: 'Ceph directly (the ceiling)', push, get };
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'zot-scale-bench-'));
  const redis = process.env.BENCH_REDIS_URL === undefined ? await startRedis() : undefined;
  const redisUrl = process.env.BENCH_REDIS_URL ?? redis?.url ?? '';
  try {
    if (process.env.BENCH_S3 === '1') engine = await startS3Engine();
    const rows = [await runCell('1, embedded (no Redis)', 1, undefined, directory)];
    for (const count of instanceCounts)
      rows.push(await runCell(`${count}, Redis`, count, redisUrl, directory));
    if (engine !== undefined) rows.push(await engineCeiling(engine));
    const fmt = (n: number) => n.toFixed(n >= 100 ? 0 : 1);
    console.log(
      `1 MiB pushes: ${pushes} at concurrency ${concurrency}; manifest GETs: ${gets} at ${concurrency * 2}`,
    );
    console.log(
      '| instances | pushes/s | push MiB/s | push p50 / p99 ms | manifest GETs/s | GET p50 / p99 ms |',
    );
    console.log('|---|---|---|---|---|---|');
    for (const { label, push, get } of rows) {
      console.log(
        `| ${label} | ${fmt(push.perSecond)} | ${fmt(push.perSecond)} | ${fmt(push.p50)} / ${fmt(push.p99)} | ` +
          `${fmt(get.perSecond)} | ${fmt(get.p50)} / ${fmt(get.p99)} |`,
      );
    }
  } finally {
    await engine?.stop();
    await redis?.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();

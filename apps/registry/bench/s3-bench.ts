// `node --import tsx apps/registry/bench/s3-bench.ts`: one registry instance (`zot serve`, a child process)
// with its images on a real Ceph RGW (../shared/s3-engine), against the same engine driven directly with
// the SDK (the ceiling). Cells: 1 MiB blob pushes (POST + PUT; raw: one PutObject) and manifest GETs by tag
// (raw: one GetObject of a manifest-sized object). Not a test: prints a table for docs/scale-out.md.
// Environment: BENCH_PUSHES (default 200), BENCH_GETS (default 2000), BENCH_PUSH_CONCURRENCY (default 8),
// BENCH_GET_CONCURRENCY (default 16), BENCH_DEDUPE=1 (dedupe on; default off).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startS3Engine } from '@zot-ts/s3-driver/testing';
import { expectStatus, http, pushBlob } from './bench-http.js';

const MiB = 1024 * 1024;
const pushes = Number(process.env.BENCH_PUSHES ?? 200);
const gets = Number(process.env.BENCH_GETS ?? 2000);
const pushConcurrency = Number(process.env.BENCH_PUSH_CONCURRENCY ?? 8);
const getConcurrency = Number(process.env.BENCH_GET_CONCURRENCY ?? 16);
/** BENCH_DEDUPE=1: the registry dedupes (placeholders, link records and digest index in the bucket). */
const dedupe = process.env.BENCH_DEDUPE === '1';

interface Cell {
  name: string;
  ops: number;
  seconds: number;
  latencies: number[];
  bytes: number;
}

/** Runs `count` operations, `concurrency` at a time, timing each. */
async function cell(
  name: string,
  count: number,
  concurrency: number,
  bytesEach: number,
  op: (index: number) => Promise<void>,
): Promise<Cell> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const begin = performance.now();
        await op(index);
        latencies.push(performance.now() - begin);
      }
    }),
  );
  return {
    name,
    ops: count,
    seconds: (performance.now() - started) / 1000,
    latencies: latencies.sort((a, b) => a - b),
    bytes: count * bytesEach,
  };
}

function row(result: Cell): string {
  const at = (p: number) =>
    (
      result.latencies[
        Math.min(result.latencies.length - 1, Math.floor((p / 100) * result.latencies.length))
      ] ?? 0
    ).toFixed(1);
  const perSecond = result.ops / result.seconds;
  const mib = result.bytes / MiB / result.seconds;
  return `| ${result.name} | ${perSecond.toFixed(0)} | ${mib >= 1 ? mib.toFixed(0) : '-'} | ${at(50)} | ${at(99)} |`;
}

async function serve(
  directory: string,
  storageDriver: Record<string, unknown>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const config = join(directory, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      storage: {
        rootDirectory: join(directory, 'data'),
        storageDriver,
        dedupe,
        remoteCache: false,
        gc: false,
      },
      http: { address: '127.0.0.1', port: 0 },
      log: { level: 'error' },
    }),
  );
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(import.meta.dirname, '../src/main.ts'), 'serve', config],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const url = await new Promise<string>((done, fail) => {
    let text = '';
    child.stderr.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /serving (http:\/\/\S+)/.exec(text);
      if (match?.[1] !== undefined) done(match[1]);
    });
    child.on('exit', () => fail(new Error(`server exited: ${text}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((done) => {
        child.on('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

const directory = mkdtempSync(join(tmpdir(), 's3-bench-'));
const engine = await startS3Engine();
try {
  const server = await serve(directory, engine.storageDriver('bench'));
  const raw = engine.driver('raw').client;
  const blobs = Array.from({ length: pushes }, () => randomBytes(MiB));
  const digests = blobs.map((blob) => `sha256:${createHash('sha256').update(blob).digest('hex')}`);
  const results: Cell[] = [];

  results.push(
    await cell(
      `1 MiB blob push, registry${dedupe ? ', dedupe' : ''} (c=${pushConcurrency})`,
      pushes,
      pushConcurrency,
      MiB,
      (index) => pushBlob(server.url, 'bench/push', digests[index] ?? '', [blobs[index] ?? Buffer.alloc(0)]),
    ),
  );
  results.push(
    await cell(
      `1 MiB PutObject, Ceph directly (c=${pushConcurrency})`,
      pushes,
      pushConcurrency,
      MiB,
      async (index) => {
        await raw.send(
          new PutObjectCommand({
            Bucket: engine.bucket,
            Key: `raw/blob-${index}`,
            Body: blobs[index] ?? Buffer.alloc(0),
          }),
        );
      },
    ),
  );

  // one small image, then its manifest read by tag over and over (a pull's first request)
  const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  await pushBlob(server.url, 'bench/pull', configDigest, [config]);
  await pushBlob(server.url, 'bench/pull', digests[0] ?? '', [blobs[0] ?? Buffer.alloc(0)]);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: config.length,
      },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digests[0], size: MiB }],
    }),
  );
  const put = await http(server.url, 'PUT', '/v2/bench/pull/manifests/latest', [manifest], {
    'Content-Type': 'application/vnd.oci.image.manifest.v1+json',
  });
  expectStatus(put, 201, 'put manifest');
  await raw.send(new PutObjectCommand({ Bucket: engine.bucket, Key: 'raw/manifest', Body: manifest }));
  const accept = { Accept: 'application/vnd.oci.image.manifest.v1+json' };
  results.push(
    await cell(`manifest GET by tag, registry (c=${getConcurrency})`, gets, getConcurrency, 0, async () => {
      expectStatus(
        await http(server.url, 'GET', '/v2/bench/pull/manifests/latest', undefined, accept),
        200,
        'get manifest',
      );
    }),
  );
  results.push(
    await cell(
      `manifest-sized GetObject, Ceph directly (c=${getConcurrency})`,
      gets,
      getConcurrency,
      0,
      async () => {
        const answer = await raw.send(new GetObjectCommand({ Bucket: engine.bucket, Key: 'raw/manifest' }));
        await answer.Body?.transformToByteArray();
      },
    ),
  );

  process.stdout.write('| cell | ops/s | MiB/s | p50 ms | p99 ms |\n|---|---|---|---|---|\n');
  for (const result of results) process.stdout.write(`${row(result)}\n`);
  await server.stop();
} finally {
  await engine.stop();
  rmSync(directory, { recursive: true, force: true });
}

// `node --import tsx apps/registry/bench/ratelimit-bench.ts`: what http.ratelimit costs per request.
// 1. The limiter alone (admit: one Map lookup, a little arithmetic), with one caller and with 50 000 callers.
// 2. GET /v2/ through the whole composed app in process (app.fetch, no socket), with no ratelimit section, and
//    with a rate high enough never to refuse; rounds interleave so drift hits both alike. With the section
//    absent no middleware is installed at all: the only work left is one `admitIdentity !== undefined` test
//    in authenticated requests, so "off" costs nothing measurable; the figure printed is the difference.
// Not a test: prints a small table. BENCH_REQUESTS (per round, default 20000), BENCH_ROUNDS (default 7).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig } from '@zot-ts/config';
import { composeRegistry } from '../src/compose.js';
import { clientKeyOf, createRateLimiter } from '../src/features/ratelimit-rules.js';

const requests = Number(process.env.BENCH_REQUESTS ?? 20_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function limiterNsPerAdmit(callers: number): number {
  const limiter = createRateLimiter({ rate: 1e9, methods: [{ method: 'GET', rate: 1e9 }] });
  const keys = Array.from({ length: callers }, (_, i) =>
    clientKeyOf(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`),
  );
  const operations = 2_000_000;
  for (let i = 0; i < 100_000; i += 1) limiter.admit(keys[i % callers] ?? '', 'GET');
  const started = process.hrtime.bigint();
  for (let i = 0; i < operations; i += 1) limiter.admit(keys[i % callers] ?? '', 'GET');
  return Number(process.hrtime.bigint() - started) / operations;
}

const silent = new Writable({ write: (_chunk, _encoding, done) => done() });

async function appOf(directory: string, ratelimit: object | undefined) {
  const config = parseConfig({
    storage: { rootDirectory: directory },
    http: { address: '127.0.0.1', port: 5000, ...(ratelimit === undefined ? {} : { ratelimit }) },
    log: { level: 'error' },
  });
  return composeRegistry(config, { stdout: silent });
}

async function usPerRequest(app: {
  fetch: (request: Request) => Response | Promise<Response>;
}): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < requests; i += 1) {
    const response = await app.fetch(new Request('http://127.0.0.1/v2/'));
    if (response.status !== 200) throw new Error(`GET /v2/ answered ${response.status}`);
    await response.arrayBuffer();
  }
  return Number(process.hrtime.bigint() - started) / 1000 / requests;
}

const directory = mkdtempSync(join(tmpdir(), 'zot-ratelimit-bench-'));
try {
  console.log(`limiter admit, 1 caller:        ${limiterNsPerAdmit(1).toFixed(0)} ns`);
  console.log(`limiter admit, 50 000 callers:  ${limiterNsPerAdmit(50_000).toFixed(0)} ns`);

  const off = await appOf(join(directory, 'off'), undefined);
  const on = await appOf(join(directory, 'on'), { rate: 1e9, methods: [{ method: 'GET', rate: 1e9 }] });
  await usPerRequest(off.app);
  await usPerRequest(on.app);
  const offRuns: number[] = [];
  const onRuns: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    offRuns.push(await usPerRequest(off.app));
    onRuns.push(await usPerRequest(on.app));
  }
  const offMedian = median(offRuns);
  const onMedian = median(onRuns);
  console.log(
    `GET /v2/ in process, ratelimit off: ${offMedian.toFixed(2)} µs/request (median of ${rounds} x ${requests})`,
  );
  console.log(`GET /v2/ in process, ratelimit on:  ${onMedian.toFixed(2)} µs/request`);
  console.log(`difference (on - off):              ${(onMedian - offMedian).toFixed(2)} µs/request`);
  await off.close();
  await on.close();
} finally {
  rmSync(directory, { recursive: true, force: true });
}

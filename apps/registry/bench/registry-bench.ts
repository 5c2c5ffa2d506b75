// `pnpm bench`: push and pull images with a 1, 10 and 100 MiB layer at concurrency 1, 4 and 16, read manifests
// by tag at concurrency 16, and compare with the ceiling of the same bytes through plain file copy + sha256.
// The registry runs as a child process (`zot serve`), so its RSS is its own and client work does not count.
// Not a test: prints a table. Environment: BENCH_TARGET_MIB (bytes per cell, default 256), BENCH_SIZES (e.g. "1,10"),
// BENCH_SERVER=distribution to run the same cells against CNCF distribution (Debian's docker-registry) instead,
// BENCH_CONCURRENCY (e.g. "1,16"), BENCH_NODE_ARGS (extra node flags for our server, e.g. "--cpu-prof"),
// BENCH_PULL=0 to skip the pull and manifest cells (profiling pushes alone), BENCH_TSX=1 to run our server from
// its TypeScript sources through tsx instead of as one bundled module (server-bundle.ts), BENCH_ENTRY=<file.mjs>
// to run a server module built before (experiments on a patched build).
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agent, expectStatus, http, pushBlob } from './bench-http.js';
import { startDistribution, startServer } from './bench-servers.js';

const MiB = 1024 * 1024;
const sizesMiB = (process.env.BENCH_SIZES ?? '1,10,100').split(',').map(Number);
const concurrencies = (process.env.BENCH_CONCURRENCY ?? '1,4,16').split(',').map(Number);
const targetBytes = Number(process.env.BENCH_TARGET_MIB ?? 256) * MiB;
const withPulls = process.env.BENCH_PULL !== '0';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

interface CellResult {
  ops: number;
  seconds: number;
  bytes: number;
  latencies: number[];
  /**
   * CPU seconds the server spent on the cell; `main`: its main thread alone (the first process's); `client`: this
   * bench process (the client shares the machine's cores with the server, so its cost bounds every cell too).
   */
  cpu?: { user: number; system: number; main: number; client: number };
  /** What the server wrote during the cell (/proc/<pid>/io): bytes passed to write calls, calls, bytes sent to disk. */
  io?: IoCounters;
}

interface IoCounters {
  wchar: number;
  syscw: number;
  writeBytes: number;
}

/**
 * The server's processes: the one the bench started and its children, recursively (the workers of
 * `http.workers`, forked by the cluster primary). CPU, RSS and I/O are summed over all of them.
 */
function processesOf(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) {
    const parent = all[i] as number;
    for (const task of safeList(`/proc/${parent}/task`)) {
      const children = safeRead(`/proc/${parent}/task/${task}/children`).trim();
      if (children !== '') all.push(...children.split(' ').map(Number));
    }
  }
  return all;
}

function safeList(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The server's write counters so far; wchar counts socket writes too (responses), write_bytes only the disk. */
function ioOf(pid: number): IoCounters {
  const total = { wchar: 0, syscw: 0, writeBytes: 0 };
  if (pid === 0) return total;
  for (const one of processesOf(pid)) {
    const text = safeRead(`/proc/${one}/io`);
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    total.wchar += field('wchar');
    total.syscw += field('syscw');
    total.writeBytes += field('write_bytes');
  }
  return total;
}

/** Runs a cell and adds the server's CPU time for it. */
async function measured(pid: number, cell: () => Promise<CellResult>): Promise<CellResult> {
  const before = cpuSecondsOf(pid);
  const mainBefore = mainThreadSecondsOf(pid);
  const ioBefore = ioOf(pid);
  const clientBefore = process.cpuUsage();
  const result = await cell();
  const client = process.cpuUsage(clientBefore);
  const after = cpuSecondsOf(pid);
  const mainAfter = mainThreadSecondsOf(pid);
  const ioAfter = ioOf(pid);
  return {
    ...result,
    cpu: {
      user: after.user - before.user,
      system: after.system - before.system,
      main: mainAfter - mainBefore,
      client: (client.user + client.system) / 1e6,
    },
    io: {
      wchar: ioAfter.wchar - ioBefore.wchar,
      syscw: ioAfter.syscw - ioBefore.syscw,
      writeBytes: ioAfter.writeBytes - ioBefore.writeBytes,
    },
  };
}

async function runPool(
  ops: number,
  concurrency: number,
  op: (index: number) => Promise<number>,
): Promise<CellResult> {
  const latencies: number[] = [];
  let next = 0;
  let bytes = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ops) {
        const index = next++;
        const t0 = performance.now();
        const moved = await op(index); // not `bytes += await`: that reads `bytes` before the await and loses updates
        bytes += moved;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { ops, seconds: (performance.now() - started) / 1000, bytes, latencies };
}

/** CPU seconds the process has used so far (user, system): figures the machine's other load disturbs less. */
function cpuSecondsOf(pid: number): { user: number; system: number } {
  const total = { user: 0, system: 0 };
  if (pid === 0) return total;
  for (const one of processesOf(pid)) {
    const fields = safeRead(`/proc/${one}/stat`).split(') ')[1]?.split(' ') ?? [];
    // utime and stime, in clock ticks (USER_HZ 100)
    total.user += Number(fields[11] ?? 0) / 100;
    total.system += Number(fields[12] ?? 0) / 100;
  }
  return total;
}

/**
 * CPU seconds of the server's main thread (its JavaScript event loop: the thread that limits one process), from
 * /proc/<pid>/task/<pid>/stat. Threads (libuv pool, V8 helpers, upload workers) are in cpuSecondsOf only.
 */
function mainThreadSecondsOf(pid: number): number {
  if (pid === 0) return 0;
  const fields = safeRead(`/proc/${pid}/task/${pid}/stat`).split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
}

function row(label: string, result: CellResult, rss: number): string {
  const mbps = result.bytes / MiB / result.seconds;
  return [
    label.padEnd(34),
    `${(result.ops / result.seconds).toFixed(1).padStart(8)} ops/s`,
    `${mbps.toFixed(1).padStart(8)} MiB/s`,
    `p50 ${percentile(result.latencies, 50).toFixed(1).padStart(7)} ms`,
    `p99 ${percentile(result.latencies, 99).toFixed(1).padStart(7)} ms`,
    `server RSS ${(rss / MiB).toFixed(0).padStart(4)} MiB`,
    ...(result.cpu === undefined
      ? []
      : [
          `server CPU ${(result.cpu.user + result.cpu.system).toFixed(2).padStart(6)} s (system ${result.cpu.system.toFixed(2)} s, main thread ${result.cpu.main.toFixed(2)} s)  client CPU ${result.cpu.client.toFixed(2)} s`,
        ]),
    ...(result.io === undefined
      ? []
      : [
          `io ${(result.io.wchar / MiB).toFixed(0)} MiB in ${result.io.syscw} writes, disk ${(result.io.writeBytes / MiB).toFixed(0)} MiB`,
        ]),
  ].join('  ');
}

/** RSS summed over the server's processes, and the largest one process's peak (the per-process budget). */
function rssOf(pid: number): { rss: number; peak: number; processes: number; largestPeak: number } {
  const total = { rss: 0, peak: 0, processes: 0, largestPeak: 0 };
  for (const one of processesOf(pid)) {
    const status = safeRead(`/proc/${one}/status`);
    const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
    total.rss += kib('VmRSS');
    total.peak += kib('VmHWM');
    total.largestPeak = Math.max(total.largestPeak, kib('VmHWM'));
    total.processes += 1;
  }
  return total;
}

/** Layer bodies share one random buffer and differ by a 16-byte suffix; digests come from a copied hash state. */
function layerSet(sizeBytes: number, count: number) {
  const shared = randomBytes(sizeBytes - 16);
  const base = createHash('sha256').update(shared);
  return Array.from({ length: count }, () => {
    const suffix = randomBytes(16);
    return {
      parts: [shared, suffix],
      size: sizeBytes,
      digest: `sha256:${base.copy().update(suffix).digest('hex')}`,
    };
  });
}

/** The ceiling: the same bytes hashed and written to a temp file then renamed (push), read back in 1 MiB chunks (pull). */
async function ceiling(
  directory: string,
  sizeBytes: number,
  ops: number,
): Promise<{ push: CellResult; pull: CellResult }> {
  const [layer] = layerSet(sizeBytes, 1);
  const parts = layer?.parts ?? [];
  const push = await runPool(ops, 1, async (index) => {
    const hash = createHash('sha256');
    const temp = join(directory, `ceiling-${index}.tmp`);
    const out = createWriteStream(temp);
    for (const part of parts) {
      for (let offset = 0; offset < part.length; offset += MiB) {
        const chunk = part.subarray(offset, offset + MiB);
        hash.update(chunk);
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
    }
    await new Promise<void>((r) => out.end(() => r()));
    hash.digest('hex');
    await rename(temp, join(directory, `ceiling-${index}`));
    return sizeBytes;
  });
  const pull = await runPool(ops, 1, async (index) => {
    let bytes = 0;
    for await (const chunk of createReadStream(join(directory, `ceiling-${index}`), { highWaterMark: MiB }))
      bytes += (chunk as Buffer).length;
    return bytes;
  });
  await Promise.all(Array.from({ length: ops }, (_, index) => unlink(join(directory, `ceiling-${index}`))));
  return { push, pull };
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'zot-bench-'));
  const server =
    process.env.BENCH_SERVER === 'distribution'
      ? await startDistribution(directory)
      : await startServer(directory);
  const { url } = server;
  const lines: string[] = [];
  const print = (line: string) => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  try {
    const before = rssOf(server.pid);
    print(
      `# registry ${url} (child pid ${server.pid}), server RSS at start ${(before.rss / MiB).toFixed(0)} MiB`,
    );
    const config = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
    );
    const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    for (const sizeMiB of sizesMiB) {
      const sizeBytes = sizeMiB * MiB;
      for (const concurrency of concurrencies) {
        const ops = Math.max(concurrency, Math.ceil(targetBytes / sizeBytes));
        const repository = `bench/s${sizeMiB}c${concurrency}`;
        await pushBlob(url, repository, configDigest, [config]);
        const layers = layerSet(sizeBytes, ops);
        // push: POST session, PUT the layer (as skopeo does for a monolithic blob), PUT the manifest by tag
        const push = await measured(server.pid, () =>
          runPool(ops, concurrency, async (index) => {
            const layer = layers[index];
            if (layer === undefined) return 0;
            await pushBlob(url, repository, layer.digest, layer.parts);
            const manifest = Buffer.from(
              JSON.stringify({
                schemaVersion: 2,
                mediaType: 'application/vnd.oci.image.manifest.v1+json',
                config: {
                  mediaType: 'application/vnd.oci.image.config.v1+json',
                  digest: configDigest,
                  size: config.length,
                },
                layers: [
                  {
                    mediaType: 'application/vnd.oci.image.layer.v1.tar',
                    digest: layer.digest,
                    size: layer.size,
                  },
                ],
              }),
            );
            expectStatus(
              await http(url, 'PUT', `/v2/${repository}/manifests/t${index}`, [manifest], {
                'Content-Type': 'application/vnd.oci.image.manifest.v1+json',
              }),
              201,
              'put manifest',
            );
            return layer.size;
          }),
        );
        print(row(`push ${sizeMiB} MiB x${ops} c=${concurrency}`, push, rssOf(server.pid).rss));
        if (!withPulls) continue;
        // pull: GET the manifest by tag, then the layer
        const pull = await measured(server.pid, () =>
          runPool(ops, concurrency, async (index) => {
            expectStatus(
              await http(url, 'GET', `/v2/${repository}/manifests/t${index}`, undefined, {
                Accept: 'application/vnd.oci.image.manifest.v1+json',
              }),
              200,
              'get manifest',
            );
            const blob = await http(url, 'GET', `/v2/${repository}/blobs/${layers[index]?.digest}`);
            expectStatus(blob, 200, 'get layer');
            return blob.bytes;
          }),
        );
        print(row(`pull ${sizeMiB} MiB x${ops} c=${concurrency}`, pull, rssOf(server.pid).rss));
      }
      const ops = Math.max(4, Math.ceil(targetBytes / sizeBytes));
      const floor = await ceiling(directory, sizeBytes, ops);
      print(row(`ceiling write+sha256 ${sizeMiB} MiB x${ops}`, floor.push, 0));
      print(row(`ceiling read ${sizeMiB} MiB x${ops}`, floor.pull, 0));
    }
    // tags of the first size at the highest concurrency: t0..t<c-1> exist whatever the size filters chose
    if (withPulls) await readCells(url, server.pid, print);
    const after = rssOf(server.pid);
    print(
      `# server RSS: start ${(before.rss / MiB).toFixed(0)} MiB, end ${(after.rss / MiB).toFixed(0)} MiB, peak ${(after.peak / MiB).toFixed(0)} MiB` +
        ` (${after.processes} processes, summed; largest one process's peak ${(after.largestPeak / MiB).toFixed(0)} MiB)`,
    );
  } finally {
    await server.stop();
    agent.destroy();
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Manifest GETs by tag and catalog reads, after the push and pull cells. */
async function readCells(url: string, pid: number, print: (line: string) => void): Promise<void> {
  const lastConcurrency = concurrencies[concurrencies.length - 1] ?? 1;
  const manifestRepository = `bench/s${sizesMiB[0]}c${lastConcurrency}`;
  const manifestReads = await measured(pid, () =>
    runPool(4000, 16, async (index) => {
      const tag = `t${index % lastConcurrency}`;
      const result = await http(url, 'GET', `/v2/${manifestRepository}/manifests/${tag}`, undefined, {
        Accept: 'application/vnd.oci.image.manifest.v1+json',
      });
      expectStatus(result, 200, 'get manifest');
      return result.bytes;
    }),
  );
  print(row('manifest GET by tag x4000 c=16', manifestReads, rssOf(pid).rss));
  // the catalog of every repository the pushes made (one per size and concurrency)
  const catalogReads = await measured(pid, () =>
    runPool(1000, 16, async () => {
      const result = await http(url, 'GET', '/v2/_catalog');
      expectStatus(result, 200, 'catalog');
      return result.bytes;
    }),
  );
  print(row('catalog x1000 c=16', catalogReads, rssOf(pid).rss));
}

await main();

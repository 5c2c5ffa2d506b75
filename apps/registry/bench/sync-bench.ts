// `node --import tsx apps/registry/bench/sync-bench.ts`: how fast extensions.sync mirrors, against skopeo.
// Not a test: prints medians and ratios (docs/sync.md "Figures").
//  1. Periodic mirror: a local upstream (our `zot serve`, and Debian's docker-registry) holds BENCH_IMAGES images
//     of BENCH_LAYERS distinct random layers each (sizes uniform in BENCH_LAYER_KIB, default 64-1024 KiB). A
//     fresh `zot serve` with extensions.sync (pollInterval 1h, prefix "bench/**") is timed from its spawn until
//     zot_sync_images_total{outcome="synced"} reaches BENCH_IMAGES; against `skopeo sync --src yaml --dest
//     docker` copying the same images into a fresh plain `zot serve` (timed from skopeo's spawn to its exit),
//     and `skopeo sync --dest dir` (skopeo alone, nothing receiving: a lower bound for any registry copy).
//  2. On demand: the first `skopeo copy docker://mirror/... dir:` of a BENCH_ONDEMAND_MIB single-layer image
//     through a fresh mirror (onDemand: true), against the same copy straight from the upstream.
// Runs are interleaved (ours, skopeo, ours, skopeo...) BENCH_RUNS times; the machine is shared and noisy.
// Environment: BENCH_IMAGES (200), BENCH_LAYERS (5), BENCH_REPOS (20; images spread over them as tags),
// BENCH_LAYER_KIB ("64-1024"), BENCH_RUNS (3), BENCH_UPSTREAMS ("zot,distribution"), BENCH_PARTS
// ("periodic,skopeo-dir,ondemand"), BENCH_ONDEMAND_MIB (100), BENCH_NODE_ARGS (e.g. "--cpu-prof"), BENCH_ENTRY
// (a server module bundled before, e.g. from an older commit, to compare).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BenchServer, startDistribution, startServer } from './bench-servers.js';
import { bundleRegistry } from './server-bundle.js';
import { expectAll, fill, type ImageSetShape, imageSet, syncedCount } from './sync-bench-images.js';

const run = promisify(execFile);
const KiB = 1024;
const MiB = 1024 * KiB;
const images = Number(process.env.BENCH_IMAGES ?? 200);
const layers = Number(process.env.BENCH_LAYERS ?? 5);
const repos = Number(process.env.BENCH_REPOS ?? 20);
const [minKiB, maxKiB] = (process.env.BENCH_LAYER_KIB ?? '64-1024').split('-').map(Number) as [
  number,
  number,
];
const runs = Number(process.env.BENCH_RUNS ?? 3);
const upstreamKinds = (process.env.BENCH_UPSTREAMS ?? 'zot,distribution').split(',');
const parts = (process.env.BENCH_PARTS ?? 'periodic,skopeo-dir,ondemand').split(',');
const onDemandMiB = Number(process.env.BENCH_ONDEMAND_MIB ?? 100);
const shape: ImageSetShape = { images, layers, repos, minKiB, maxKiB, onDemandMiB };
const hostOf = (url: string) => new URL(url).host;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const fmt = (seconds: number) => seconds.toFixed(2);

async function withDirectory<T>(work: (directory: string) => Promise<T>): Promise<T> {
  const directory = mkdtempSync(join(tmpdir(), 'zot-sync-bench-run-'));
  try {
    return await work(directory);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Seconds from the mirror's spawn (and from its ready line) until every image is synced. */
async function periodicMirror(upstream: string, set: Map<string, string[]>) {
  return withDirectory(async (directory) => {
    const spawned = performance.now();
    const mirror = await startServer(directory, {
      extensions: {
        metrics: { enable: true },
        sync: {
          enable: true,
          registries: [
            {
              urls: [upstream],
              pollInterval: '1h',
              tlsVerify: false,
              onDemand: false,
              content: [{ prefix: 'bench/**' }],
            },
          ],
        },
      },
    });
    const ready = performance.now();
    try {
      while ((await syncedCount(mirror.url)) < images) await new Promise((done) => setTimeout(done, 50));
      const end = performance.now();
      await expectAll(mirror.url, set);
      return { fromSpawn: (end - spawned) / 1000, fromReady: (end - ready) / 1000 };
    } finally {
      await mirror.stop();
    }
  });
}

/** Seconds `skopeo sync --dest dir` takes: skopeo's own speed, with no registry receiving (a lower bound). */
async function skopeoSyncToDirectory(upstream: string, set: Map<string, string[]>) {
  return withDirectory(async (directory) => {
    const yaml = [`${hostOf(upstream)}:`, '  tls-verify: false', '  images:'];
    for (const [repository, tags] of set) yaml.push(`    ${repository}: [${tags.join(', ')}]`);
    const file = join(directory, 'sync.yml');
    writeFileSync(file, `${yaml.join('\n')}\n`);
    const started = performance.now();
    await run('skopeo', ['sync', '--src', 'yaml', '--dest', 'dir', file, join(directory, 'out')], {
      maxBuffer: 64 * MiB,
    });
    return (performance.now() - started) / 1000;
  });
}

/** Seconds `skopeo sync` takes to copy the same images into a fresh plain `zot serve`. */
async function skopeoSync(upstream: string, set: Map<string, string[]>) {
  return withDirectory(async (directory) => {
    const destination = await startServer(directory);
    try {
      const yaml = [`${hostOf(upstream)}:`, '  tls-verify: false', '  images:'];
      for (const [repository, tags] of set) yaml.push(`    ${repository}: [${tags.join(', ')}]`);
      // skopeo keeps only the last path component of a source name: the destination puts "bench/" back
      const file = join(directory, 'sync.yml');
      writeFileSync(file, `${yaml.join('\n')}\n`);
      const started = performance.now();
      await run(
        'skopeo',
        [
          'sync',
          '--src',
          'yaml',
          '--dest',
          'docker',
          '--dest-tls-verify=false',
          file,
          `${hostOf(destination.url)}/bench`,
        ],
        { maxBuffer: 64 * MiB },
      );
      const seconds = (performance.now() - started) / 1000;
      await expectAll(destination.url, set);
      return seconds;
    } finally {
      await destination.stop();
    }
  });
}

async function skopeoPull(source: string, directory: string): Promise<number> {
  const target = join(directory, 'pulled');
  const started = performance.now();
  await run('skopeo', [
    'copy',
    '--src-tls-verify=false',
    `docker://${hostOf(source)}/big/app:v1`,
    `dir:${target}`,
  ]);
  const seconds = (performance.now() - started) / 1000;
  rmSync(target, { recursive: true, force: true });
  return seconds;
}

/** Seconds of the first pull of big/app through a fresh on-demand mirror. */
async function onDemandPull(upstream: string): Promise<number> {
  return withDirectory(async (directory) => {
    const mirror = await startServer(directory, {
      extensions: {
        sync: {
          enable: true,
          registries: [{ urls: [upstream], tlsVerify: false, onDemand: true, content: [{ prefix: '**' }] }],
        },
      },
    });
    try {
      return await skopeoPull(mirror.url, directory);
    } finally {
      await mirror.stop();
    }
  });
}

async function benchUpstream(kind: string, bench: string): Promise<string[]> {
  const directory = join(bench, `upstream-${kind}`);
  mkdirSync(directory);
  const upstream: BenchServer =
    kind === 'distribution' ? await startDistribution(directory) : await startServer(directory);
  const lines: string[] = [];
  try {
    const set = imageSet(shape);
    const filled = performance.now();
    const bytes = await fill(upstream.url, set, shape);
    console.error(
      `${kind}: filled ${images} images x ${layers} layers + big/app (${(bytes / MiB).toFixed(0)} MiB) ` +
        `in ${fmt((performance.now() - filled) / 1000)} s`,
    );
    if (parts.includes('periodic')) {
      const ours: Array<{ fromSpawn: number; fromReady: number }> = [];
      const theirs: number[] = [];
      const toDirectory: number[] = [];
      for (let i = 0; i < runs; i++) {
        ours.push(await periodicMirror(upstream.url, set));
        theirs.push(await skopeoSync(upstream.url, set));
        if (parts.includes('skopeo-dir')) toDirectory.push(await skopeoSyncToDirectory(upstream.url, set));
        const last = ours[ours.length - 1];
        console.error(
          `${kind} run ${i + 1}: sync ${fmt(last?.fromSpawn ?? 0)} s (${fmt(last?.fromReady ?? 0)} from ready), ` +
            `skopeo sync ${fmt(theirs[theirs.length - 1] ?? 0)} s` +
            (toDirectory.length > 0
              ? `, skopeo sync --dest dir ${fmt(toDirectory[toDirectory.length - 1] ?? 0)} s`
              : ''),
        );
      }
      const spawn = median(ours.map((o) => o.fromSpawn));
      const ready = median(ours.map((o) => o.fromReady));
      const skopeo = median(theirs);
      lines.push(
        `| ${kind} | periodic mirror of ${images} images | ${fmt(spawn)} s (${fmt(ready)} s from ready) | ` +
          `skopeo sync ${fmt(skopeo)} s | ${(spawn / skopeo).toFixed(2)} (${(ready / skopeo).toFixed(2)}) |`,
      );
      if (toDirectory.length > 0) {
        const dir = median(toDirectory);
        lines.push(
          `| ${kind} | (same, reference without a receiving registry) | ${fmt(spawn)} s | ` +
            `skopeo sync --dest dir ${fmt(dir)} s | ${(spawn / dir).toFixed(2)} |`,
        );
      }
    }
    if (parts.includes('ondemand')) {
      const ours: number[] = [];
      const direct: number[] = [];
      for (let i = 0; i < runs; i++) {
        ours.push(await onDemandPull(upstream.url));
        direct.push(await withDirectory((d) => skopeoPull(upstream.url, d)));
        console.error(
          `${kind} run ${i + 1}: on-demand pull ${fmt(ours[ours.length - 1] ?? 0)} s, direct ${fmt(direct[direct.length - 1] ?? 0)} s`,
        );
      }
      const a = median(ours);
      const b = median(direct);
      lines.push(
        `| ${kind} | first pull of ${onDemandMiB} MiB on demand | ${fmt(a)} s | direct skopeo copy ${fmt(b)} s | ` +
          `${(a / b).toFixed(2)} |`,
      );
    }
  } finally {
    await upstream.stop();
  }
  return lines;
}

async function main(): Promise<void> {
  const bench = mkdtempSync(join(tmpdir(), 'zot-sync-bench-'));
  try {
    // one bundle for every server the bench starts (bundling per start would be timed with the mirror)
    if (process.env.BENCH_ENTRY === undefined && process.env.BENCH_TSX !== '1')
      process.env.BENCH_ENTRY = await bundleRegistry(bench);
    const rows: string[] = [];
    for (const kind of upstreamKinds) rows.push(...(await benchUpstream(kind, bench)));
    console.log(
      `${images} images x ${layers} layers of ${minKiB}-${maxKiB} KiB over ${repos} repositories; ${runs} runs, medians`,
    );
    console.log('| upstream | what | ours | reference | ours / reference |');
    console.log('|---|---|---:|---:|---:|');
    for (const row of rows) console.log(row);
  } finally {
    rmSync(bench, { recursive: true, force: true });
  }
}

await main();

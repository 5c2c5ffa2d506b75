// Benchmark of the metadata database (issue 14), not a timed test: `pnpm bench:metadb`.
//
// 1. Storage of BENCH_REPOS repositories x BENCH_IMAGES tagged images (default 1,000 x 10), written once through
//    the store (kept in BENCH_DIR between runs; a different shape writes a new one).
// 2. Start-up parse: a first parse of the whole store into a new LMDB file, then BENCH_RUNS parses of the
//    unchanged store (open the database + syncStorage, as the server does on start); median and max.
// 3. Push latency through the real server: BENCH_PUSHES manifest PUTs (blobs pushed beforehand) with the metadata
//    feature subscribed and with it detached, in alternating blocks; the median and p99 difference is what the
//    metadata feature adds to a push. Back to back (gap 0) and with BENCH_GAPS ms between pushes. Also: the
//    synchronous cost of the event handler (all a push waits for), process CPU per push with and without, and how
//    long the queue takes to apply the pushes in the background.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseConfig } from '@zot-ts/config';
import { createLmdbMetaStore } from '@zot-ts/metadb';
import { createStore, digestOf, mediaTypes } from '@zot-ts/oci-store';
import { syncStorage } from '../src/features/metadata-sync.js';
import { startRegistry } from '../src/index.js';
import { metadataOf } from '../test/metadata-fixtures.js';

const repos = Number(process.env.BENCH_REPOS ?? 1000);
const imagesPerRepo = Number(process.env.BENCH_IMAGES ?? 10);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const pushes = Number(process.env.BENCH_PUSHES ?? 400);
const base = process.env.BENCH_DIR ?? '/tmp/zot-metadb-bench';
const root = join(base, `store-${repos}x${imagesPerRepo}`);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))] ?? 0;
const ms = (value: number) => `${value.toFixed(value < 10 ? 3 : 1)} ms`;

function imageOf(repository: string, index: number) {
  const config = Buffer.from(
    JSON.stringify({
      architecture: index % 2 === 0 ? 'amd64' : 'arm64',
      os: 'linux',
      created: new Date(Date.UTC(2024, 0, 1 + index)).toISOString(),
      config: { Labels: { 'org.opencontainers.image.vendor': `vendor-${repository.length % 7}` } },
      history: [{ created_by: `bench ${repository} ${index}` }],
    }),
  );
  const layer = Buffer.from(`layer ${repository} ${index} `.repeat(32));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: { mediaType: mediaTypes.ociConfig, digest: digestOf(config), size: config.length },
      layers: [{ mediaType: mediaTypes.ociLayerGzip, digest: digestOf(layer), size: layer.length }],
      annotations: { 'org.opencontainers.image.description': `image ${index} of ${repository}` },
    }),
  );
  return { config, layer, manifest };
}

async function writeStorage(): Promise<void> {
  if (existsSync(join(root, '.complete'))) return;
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const store = await createStore({ rootDirectory: root });
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < repos) {
      const name = `project${Math.floor(next / 50)}/app-${next++}`;
      const repository = store.repository(name);
      for (let index = 0; index < imagesPerRepo; index++) {
        const { config, layer, manifest } = imageOf(name, index);
        await repository.uploads.putBlob(Readable.from([config]), digestOf(config));
        await repository.uploads.putBlob(Readable.from([layer]), digestOf(layer));
        await repository.manifests.put(`v${index}`, mediaTypes.ociManifest, manifest);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  mkdirSync(join(root, '.complete'));
  console.log(
    `wrote ${repos * imagesPerRepo} images in ${repos} repositories in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

async function parseOnce(
  path: string,
): Promise<{ totalMs: number; summary: Awaited<ReturnType<typeof syncStorage>> }> {
  const started = performance.now();
  const store = await createStore({ rootDirectory: root });
  const metaStore = await createLmdbMetaStore({ path });
  const summary = await syncStorage(store, metaStore, { now: () => new Date() });
  const totalMs = performance.now() - started;
  await metaStore.close();
  return { totalMs, summary };
}

async function benchStartup(): Promise<void> {
  const path = join(base, 'bench.lmdb');
  rmSync(path, { force: true });
  rmSync(`${path}-lock`, { force: true });
  const first = await parseOnce(path);
  console.log(`first parse (empty database): ${ms(first.totalMs)}`, first.summary);
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const again = await parseOnce(path);
    if (again.summary.parsed !== 0)
      throw new Error(`unchanged store parsed again: ${JSON.stringify(again.summary)}`);
    times.push(again.totalMs);
  }
  console.log(
    `start-up parse of the unchanged store, ${runs} runs: median ${ms(median(times))}, max ${ms(Math.max(...times))}`,
  );
  // what a search over every repository starts from (RepoListWithNewestImage, GlobalSearch)
  const metaStore = await createLmdbMetaStore({ path });
  const lists: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const all = await metaStore.repos.listRepoMetas();
    lists.push(performance.now() - started);
    if (all.length !== repos) throw new Error(`listed ${all.length} repositories`);
  }
  console.log(`listRepoMetas() of ${repos} repositories: median ${ms(median(lists))}`);
  await metaStore.close();
}

/**
 * `gapMs` 0: manifest PUTs back to back on one connection, the worst case (the background work of one push runs
 * while the next is served); a gap stands for what real clients do between manifests (upload layers, think).
 */
async function benchPushLatency(gapMs: number): Promise<void> {
  const pushRoot = join(base, 'push-root');
  rmSync(pushRoot, { recursive: true, force: true });
  const config = parseConfig({
    storage: { rootDirectory: pushRoot },
    http: { address: '127.0.0.1', port: 5000 },
    log: { level: 'error' },
  });
  const running = await startRegistry({ config, port: 0 });
  const feature = metadataOf(running);
  // time the synchronous part of the event handler: all a push waits for
  const handlerTimes: number[] = [];
  const { onStoreEvent } = feature.sync;
  const subscribeTimed = () =>
    running.registry.store.subscribe((event) => {
      const started = performance.now();
      onStoreEvent(event);
      handlerTimes.push(performance.now() - started);
    });
  await feature.close?.(); // detach the feature's own subscription; the timed one stands in for it
  let unsubscribe: (() => void) | undefined = subscribeTimed();

  const store = running.registry.store;
  const prepared = [];
  for (let i = 0; i < pushes; i++) {
    const name = `push/repo${i % 20}`;
    const image = imageOf(name, 1000 + i);
    const repository = store.repository(name);
    await repository.uploads.putBlob(Readable.from([image.config]), digestOf(image.config));
    await repository.uploads.putBlob(Readable.from([image.layer]), digestOf(image.layer));
    prepared.push({ name, image });
  }
  const withMeta: number[] = [];
  const without: number[] = [];
  // process CPU time (user + system, µs) spent during each side's blocks, queue work included
  const cpu = { with: 0, without: 0 };
  let cpuMark = process.cpuUsage();
  const chargeCpu = (side: 'with' | 'without') => {
    const used = process.cpuUsage(cpuMark);
    cpu[side] += used.user + used.system;
    cpuMark = process.cpuUsage();
  };
  const block = 20;
  for (let i = 0; i < pushes; i++) {
    if (i % block === 0) {
      if (i > 0) {
        await feature.sync.idle(); // charge a block's queued work to its own side
        chargeCpu(unsubscribe !== undefined ? 'with' : 'without');
      }
      // alternate blocks, so drift in the machine's load hits both sides alike
      const wanted = (i / block) % 2 === 0;
      if (wanted && unsubscribe === undefined) unsubscribe = subscribeTimed();
      if (!wanted && unsubscribe !== undefined) {
        unsubscribe();
        unsubscribe = undefined;
      }
    }
    const { name, image } = prepared[i] as (typeof prepared)[number];
    const started = performance.now();
    const response = await fetch(`${running.url}/v2/${name}/manifests/t${i}`, {
      method: 'PUT',
      body: image.manifest,
      headers: { 'Content-Type': mediaTypes.ociManifest },
    });
    await response.arrayBuffer();
    (unsubscribe !== undefined ? withMeta : without).push(performance.now() - started);
    if (gapMs > 0) await new Promise((done) => setTimeout(done, gapMs));
  }
  const queueStarted = performance.now();
  await feature.sync.idle();
  const drainMs = performance.now() - queueStarted;
  chargeCpu(unsubscribe !== undefined ? 'with' : 'without');
  const applied = (await running.registry.metaStore.repos.listRepoMetas()).reduce(
    (sum, repo) => sum + Object.keys(repo.tags).length,
    0,
  );
  console.log(
    `[gap ${gapMs} ms] manifest PUT latency, ${withMeta.length} with metadata / ${without.length} without: median ${ms(median(withMeta))} / ${ms(median(without))}, p99 ${ms(quantile(withMeta, 0.99))} / ${ms(quantile(without, 0.99))}`,
  );
  console.log(
    `process CPU per push (client and server in one process): ${ms(cpu.with / 1000 / withMeta.length)} with metadata, ${ms(cpu.without / 1000 / without.length)} without`,
  );
  console.log(
    `event handler on the request path: median ${ms(median(handlerTimes))}, p99 ${ms(quantile(handlerTimes, 0.99))} (${handlerTimes.length} events)`,
  );
  console.log(`queue drained ${ms(drainMs)} after the last push; ${applied} tags in the database`);
  unsubscribe?.();
  await running.close();
  rmSync(pushRoot, { recursive: true, force: true });
}

await writeStorage();
await benchStartup();
for (const gap of (process.env.BENCH_GAPS ?? '0,5').split(',')) await benchPushLatency(Number(gap));

// Several server processes sharing one port (`http.workers`, zot-ts only: zot has no such key). Our server
// runs its JavaScript on one thread, so hashing, copying and HTTP parsing for every upload share one core;
// with node:cluster the primary accepts connections and hands them round-robin to worker processes, each a
// whole registry over the same storage roots (docs/performance.md has the figures and the profile behind it).
//
// What makes the workers safe together: the primary takes the storage roots' lock (`.zot-ts.lock`, so a second
// server is still refused) and holds it for all of them; the workers' stores use lock files and shared
// generation counters (oci-store `crossProcess`), the metadata database is LMDB (multi-process safe), and
// background work (GC, scrub, storage sizes) runs in worker 0 only. A worker that dies is started again
// under its index; a worker that fails before it ever listened stops the server (a port in use, a bad
// file), as one process would.
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { refuseNotBuiltSettings, type ZotConfig } from '@zot-ts/config';
import { serveClusterMetrics } from './cluster-metrics.js';
import { checkConfiguredFiles } from './startup-checks.js';
import { lockStorageRoots } from './storage-lock.js';
import { prepareStorageRoots, storageRootsOf } from './storage-root.js';

/** Workers when `http.workers` is unset. 1 on this project's 2-core machine: see docs/performance.md. */
export const DEFAULT_WORKERS = 1;
/** `http.workers: 0`: one per core, at most this many (each process holds its own caches and buffers). */
export const MAX_AUTO_WORKERS = 4;
const WORKER_INDEX_ENV = 'ZOT_WORKER_INDEX';

/** How many server processes `config` asks for; ZOT_WORKERS overrides the file (benchmarks, containers). */
export function workerCountOf(config: ZotConfig, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv =
    env.ZOT_WORKERS === undefined || env.ZOT_WORKERS === '' ? undefined : Number(env.ZOT_WORKERS);
  const asked =
    fromEnv !== undefined && Number.isInteger(fromEnv) && fromEnv >= 0 ? fromEnv : config.http.workers;
  if (asked === undefined) return DEFAULT_WORKERS;
  if (asked === 0) return Math.max(1, Math.min(availableParallelism(), MAX_AUTO_WORKERS));
  return asked;
}

/** This process's index when it is a worker of a cluster primary; undefined otherwise. */
export function workerIndexOf(env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (!cluster.isWorker) return undefined;
  const index = Number(env[WORKER_INDEX_ENV]);
  return Number.isInteger(index) && index >= 0 ? index : undefined;
}

/** Message a worker sends once its server listens. */
export interface ListeningMessage {
  type: 'zot-listening';
  url: string;
}

function isListening(message: unknown): message is ListeningMessage {
  return (message as Partial<ListeningMessage> | null)?.type === 'zot-listening';
}

/**
 * The primary: checks and locks the storage roots, forks `count` workers, prints the serving line once all
 * listen, restarts a worker that dies, and on SIGTERM/SIGINT stops them all, then releases the lock.
 * Resolves with the exit status when the server stops for good.
 */
export async function runClusterPrimary(config: ZotConfig, configPath: string | undefined, count: number) {
  refuseNotBuiltSettings(config, configPath); // throws before any worker starts; workers log the warnings
  await checkConfiguredFiles(config);
  const roots = storageRootsOf(config);
  await prepareStorageRoots(roots);
  const storageLock = await lockStorageRoots(roots.map((root) => root.path));
  const workers = new Map<number, Worker>();
  let stopping = false;
  let everyoneListened = false;
  let exitCode = 0;
  let finished!: (code: number) => void;
  const done = new Promise<number>((resolve) => {
    finished = resolve;
  });

  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    if (workers.size === 0) void storageLock.release().then(() => finished(exitCode));
    for (const worker of workers.values()) worker.process.kill('SIGTERM');
  };

  const listening = new Set<number>();
  const fork = (index: number) => {
    const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index) });
    workers.set(index, worker);
    worker.on('message', (message: unknown) => {
      if (!isListening(message)) return;
      listening.add(index);
      if (!everyoneListened && listening.size === count) {
        everyoneListened = true;
        process.stderr.write(
          `zot: serving ${message.url} (storage ${config.storage.rootDirectory}, ${count} worker processes)\n`,
        );
      }
    });
    worker.on('exit', (code, signal) => {
      workers.delete(index);
      if (stopping) {
        if (workers.size === 0) void storageLock.release().then(() => finished(exitCode));
        return;
      }
      if (!listening.has(index)) {
        // never listened: the port is taken, a file is missing... the next one would fail the same way
        process.stderr.write(`zot: worker ${index} failed to start (${signal ?? code})\n`);
        stopAll(1);
        return;
      }
      process.stderr.write(`zot: worker ${index} exited (${signal ?? code}), starting it again\n`);
      listening.delete(index);
      fork(index);
    });
  };
  serveClusterMetrics(() => [...workers.values()]);
  for (let index = 0; index < count; index++) fork(index);

  const forward = (signal: NodeJS.Signals) => () => {
    for (const worker of workers.values()) worker.process.kill(signal);
  };
  const onHup = forward('SIGHUP');
  if (configPath !== undefined) process.on('SIGHUP', onHup);
  const onStop = (signal: NodeJS.Signals) => {
    process.off('SIGHUP', onHup);
    process.stderr.write(`zot: ${signal}, stopping ${workers.size} worker processes\n`);
    stopAll(0);
  };
  process.once('SIGTERM', onStop);
  process.once('SIGINT', onStop);
  return done;
}

// zot_repo_storage_bytes: measured on disk, as zot does (monitoring.SetStorageUsage walks the repository
// directory). A walk at start measures every repository in the background, so startup is not delayed;
// afterwards every store event that changes a repository's files marks it for a new measurement, and one
// serial worker measures marked repositories after a short quiet period (a push of many layers is one
// measurement, not one per blob). gc-metrics already adds written blob bytes and subtracts what GC
// reclaimed the moment the event arrives; the measurement then replaces that estimate with the exact figure
// (manifests, index.json, deletions by the API, which carry no size).
import type { RegistryMetrics } from '@zot-ts/gc-metrics';
import {
  createLocalDriver,
  layout,
  type StorageDriver,
  type Store,
  type StoreEvent,
} from '@zot-ts/oci-store';
import type { Logger } from '../log-sink.js';

export interface StorageRoots {
  rootDirectory: string;
  /** The root's remote driver (S3), when it has one; else the local disk under rootDirectory. */
  driver?: StorageDriver;
  /** zot `storage.subPaths`: repository name prefix ("/a") -> its own root. */
  subPaths: Record<string, { rootDirectory: string; driver?: StorageDriver }>;
}

export interface RepoSizeTracker {
  /** Starts the background walk over every repository; returns at once. */
  start(): void;
  /** Marks the event's repository for measurement when the event changed its files. */
  onStoreEvent(event: StoreEvent): void;
  /** Resolves once no measurement is pending or running (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface RepoSizeTrackerOptions {
  store: Store;
  roots: StorageRoots;
  metrics: RegistryMetrics;
  logger: Logger;
  /** Quiet period after the last change before measuring; default 200 ms. */
  settleMs?: number;
}

/** Events after which a repository's files differ; upload sessions and tag-only moves are covered by these. */
const sizeChangingEvents: ReadonlySet<StoreEvent['type']> = new Set([
  'blobWritten',
  'blobDeleted',
  'manifestPut',
  'manifestDeleted',
  'tagDeleted',
  'gcRun',
]);

export function createRepoSizeTracker(options: RepoSizeTrackerOptions): RepoSizeTracker {
  const { store, metrics, logger } = options;
  const settleMs = options.settleMs ?? 200;
  const measure = createRepoSizer(options.roots);
  const marked = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  function schedule(): void {
    if (closed || timer !== undefined || running !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = drain().finally(() => {
        running = undefined;
        if (marked.size > 0) schedule();
      });
    }, settleMs);
    timer.unref();
  }

  async function drain(): Promise<void> {
    // taken off before measuring: an event during the walk marks it again, for the next round
    const batch = [...marked];
    marked.clear();
    for (const repository of batch) {
      if (closed) return;
      try {
        const size = await measure(repository);
        if (size === undefined) metrics.forgetRepository(repository);
        else metrics.setRepoStorageBytes(repository, size);
      } catch (error) {
        logger.warn('metrics: measuring a repository failed', {
          repository,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  async function markAll(): Promise<void> {
    let last: string | undefined;
    do {
      const page = await store.catalog({ n: 1000, ...(last === undefined ? {} : { last }) });
      for (const repository of page.repositories) marked.add(repository);
      last = page.next;
    } while (last !== undefined && !closed);
  }

  return {
    start() {
      markAll()
        .then(schedule)
        .catch((error: unknown) =>
          logger.warn('metrics: listing repositories for their sizes failed', {
            error: error instanceof Error ? error.message : String(error),
          }),
        );
    },
    onStoreEvent(event) {
      if (!sizeChangingEvents.has(event.type)) return;
      marked.add(event.repository);
      schedule();
    },
    async idle() {
      while (!closed && (marked.size > 0 || timer !== undefined || running !== undefined)) {
        await (running ?? new Promise((resolve) => setTimeout(resolve, settleMs)));
      }
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}

/**
 * Bytes of one repository's image layout: oci-layout, index.json and every blob (a deduplicated blob counts
 * in each repository holding it, as zot's directory walk counts hard links). Uploads in progress and nested
 * repositories (`a/b` inside `a/`) are not counted. Undefined when the repository is gone.
 */
export function createRepoSizer(roots: StorageRoots): (repository: string) => Promise<number | undefined> {
  const defaultDriver = roots.driver ?? createLocalDriver({ rootDirectory: roots.rootDirectory });
  // longest prefix first, whole name components, as the store (and zot's StoreController) routes names
  const subDrivers = Object.entries(roots.subPaths)
    .map(([prefix, root]) => ({
      prefix: prefix.replace(/^\/+|\/+$/g, ''),
      driver: root.driver ?? createLocalDriver({ rootDirectory: root.rootDirectory }),
    }))
    .filter((entry) => entry.prefix !== '')
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const driverFor = (repository: string): StorageDriver =>
    subDrivers.find(({ prefix }) => repository === prefix || repository.startsWith(`${prefix}/`))?.driver ??
    defaultDriver;

  return async (repository) => {
    const driver = driverFor(repository);
    const [layoutFile, indexFile] = await Promise.all([
      driver.stat(layout.ociLayoutPath(repository)),
      driver.stat(layout.indexPath(repository)),
    ]);
    let bytes = (layoutFile?.size ?? 0) + (indexFile?.size ?? 0);
    let blobs = 0;
    for await (const file of driver.walk(layout.blobsDir(repository))) {
      bytes += file.size;
      blobs += 1;
    }
    return layoutFile === undefined && indexFile === undefined && blobs === 0 ? undefined : bytes;
  };
}

// createStore: the entry point. Routes each repository to its storage root (the default one, or the
// subPath whose prefix is the longest match, as zot's StoreController does), and lists, scrubs and
// emits events across all of them.
import { join } from 'node:path';

import type { BlobLocator } from './blob-locator.js';
import { createCatalogCache } from './catalog.js';
import { coordinationDirectoryOf } from './coordination-dir.js';
import { createEventHub } from './events.js';
import { createFileLocks } from './file-locks.js';
import { SharedBlobTouches } from './gc/blob-touches-shared.js';
import { createFileCounter } from './generation-counter.js';
import { createLocalDriver } from './local-driver.js';
import { createInProcessLocks, type Locks } from './locks.js';
import { assertRepositoryName } from './name.js';
import { createRepositoryQuota, type QuotaRefusal } from './repository-quota.js';
import { type BoundRepositoryStore, createRepositoryStore } from './repository-store.js';
import { scrubRepositories } from './scrub.js';
import { scrubRepositoryImages } from './scrub-images.js';
import type { StorageDriver } from './storage-driver.js';
import { createStoreContext, type StoreContext } from './store-context.js';
import type { CatalogPage, RepositoryOptions, ScrubReport, Store } from './store-types.js';
import { paginate } from './tag-store.js';
import { sharedUploadWorkerPool } from './upload-worker-pool.js';

export interface StoreRootOptions {
  rootDirectory: string;
  /** Store identical blobs once across repositories (hard links). Default true, as zot. */
  dedupe?: boolean;
  /** fsync every write before acknowledging it. Default false, as zot. */
  commit?: boolean;
  /** Use this driver instead of the local disk under rootDirectory. */
  driver?: StorageDriver;
  /**
   * Where dedupe finds an existing copy of a digest. Default: an index of this process, built by one walk of
   * the root. A remote root shared by several instances passes one they all read (see BlobLocator).
   */
  locator?: BlobLocator;
}

export interface CreateStoreOptions extends StoreRootOptions {
  /** Extra roots for repository name prefixes: `{ "/a": { rootDirectory: "/mnt/a" } }` (zot `subPaths`). */
  subPaths?: Record<string, StoreRootOptions>;
  /** Largest manifest accepted (bytes); the spec says registries SHOULD accept at least 4 MiB. */
  maxManifestSize?: number;
  /** Locks shared by several instances later (Redis); in-process by default. */
  locks?: Locks;
  /** Called when an observer throws (events never break a write). */
  onObserverError?: (error: unknown) => void;
  /** zot's storage.maxRepos: a manifest push creating one more repository gets TOOMANYREQUESTS. Absent or 0: no limit. */
  maxRepositories?: number;
  /** Told of each push the repository quota refused. */
  onQuotaRefused?: (refusal: QuotaRefusal) => void;
  /**
   * Several processes on this host serve the same roots (`http.workers`): locks become lock files (unless
   * `locks` is given) and GC's record of recent blob placements marker files, both under /dev/shm
   * (coordination-dir.ts); the deletion and catalog generations go under `<root>/.zot-ts-generations`. So
   * every process sees the others' writes. Local roots only.
   */
  crossProcess?: boolean;
  /**
   * Worker threads that hash and write blob upload bytes on local roots, shared by every store of the process
   * (upload-worker-pool.ts; docs/performance.md, "Fourth round"). 0: uploads hash on the main thread. Default
   * DEFAULT_UPLOAD_WORKERS.
   */
  uploadWorkers?: number;
}

/**
 * Upload worker threads by default. Two, from the figures of docs/performance.md ("Fourth round"): one thread
 * cut the main thread's CPU as much but pushed 100 MiB layers 20-25% slower at 4 and 16 concurrent uploads on
 * the 2-core machine (every upload waits whenever that one thread is not scheduled); two were level or faster.
 */
export const DEFAULT_UPLOAD_WORKERS = 2;

const GENERATIONS_DIR = '.zot-ts-generations';

export function createStore(options: CreateStoreOptions): Store {
  const events = createEventHub(options.onObserverError);
  const crossProcess = options.crossProcess === true;
  const locks =
    options.locks ??
    (crossProcess
      ? createFileLocks(join(coordinationDirectoryOf(options.rootDirectory), 'locks'))
      : createInProcessLocks());
  const maxManifestSize = options.maxManifestSize ?? 4 * 1024 * 1024;
  const catalogCache = createCatalogCache();

  const uploadWorkerCount = options.uploadWorkers ?? DEFAULT_UPLOAD_WORKERS;
  const uploadWorkers = uploadWorkerCount > 0 ? sharedUploadWorkerPool(uploadWorkerCount) : undefined;

  const makeContext = (root: StoreRootOptions): StoreContext =>
    createStoreContext({
      driver:
        root.driver ?? createLocalDriver({ rootDirectory: root.rootDirectory, commit: root.commit ?? false }),
      locks,
      events,
      dedupe: root.dedupe ?? true,
      maxManifestSize,
      repositoryOf: (name) => repositoryIn(name),
      ...(root.locator === undefined ? {} : { locator: root.locator }),
      ...(uploadWorkers === undefined ? {} : { uploadWorkers }),
      ...(crossProcess && root.driver === undefined
        ? {
            counters: {
              blobDeletions: createFileCounter(join(root.rootDirectory, GENERATIONS_DIR, 'blob-deletions')),
              catalogGeneration: createFileCounter(join(root.rootDirectory, GENERATIONS_DIR, 'repositories')),
            },
            blobTouches: new SharedBlobTouches(join(coordinationDirectoryOf(root.rootDirectory), 'touches')),
          }
        : {}),
    });

  const defaultContext = makeContext(options);
  // longest prefix first; prefixes are "/a" or "/a/b" and match whole name components
  const subContexts = Object.entries(options.subPaths ?? {})
    .map(([prefix, root]) => ({ prefix: prefix.replace(/^\/+|\/+$/g, ''), context: makeContext(root) }))
    .filter((entry) => entry.prefix !== '')
    .sort((a, b) => b.prefix.length - a.prefix.length);

  function contextFor(name: string): StoreContext {
    for (const { prefix, context } of subContexts) {
      if (name === prefix || name.startsWith(`${prefix}/`)) return context;
    }
    return defaultContext;
  }

  const quota =
    options.maxRepositories === undefined || options.maxRepositories <= 0
      ? undefined
      : createRepositoryQuota({
          maxRepositories: options.maxRepositories,
          listRepositories: () => allRepositories(),
          // other processes create repositories too: count from storage, under one lock for all of them
          ...(crossProcess
            ? {
                rescanMs: 0,
                serialiseAcrossProcesses: (work) => locks.withKeyLock('quota:repository-creations', work),
              }
            : {}),
          ...(options.onQuotaRefused === undefined ? {} : { onRefused: options.onQuotaRefused }),
        });
  if (quota !== undefined) events.subscribe(quota.observe);

  function repositoryIn(name: string, repositoryOptions?: RepositoryOptions): BoundRepositoryStore {
    assertRepositoryName(name);
    const repository = createRepositoryStore(contextFor(name), name, repositoryOptions);
    if (quota === undefined) return repository;
    return { ...repository, manifests: quota.guard(repository.context, name, repository.manifests) };
  }

  async function allRepositories(): Promise<Array<{ name: string; context: StoreContext }>> {
    const contexts = [defaultContext, ...subContexts.map((entry) => entry.context)];
    const listed = await Promise.all(
      contexts.map(async (context) => (await catalogCache.list(context)).map((name) => ({ name, context }))),
    );
    // a name is served by the root it routes to; the same directory name in another root is shadowed
    const routed = listed.flat().filter(({ name, context }) => contextFor(name) === context);
    return routed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  return {
    repository: repositoryIn,
    async catalog(page = {}): Promise<CatalogPage> {
      const names = (await allRepositories()).map((entry) => entry.name);
      const { items, next } = paginate(names, page);
      return { repositories: items, ...(next !== undefined ? { next } : {}) };
    },
    async scrub(scrubOptions = {}): Promise<ScrubReport> {
      const total: ScrubReport = { repositories: 0, manifestsChecked: 0, blobsChecked: 0, findings: [] };
      const repositories = await allRepositories();
      for (const { name, context } of repositories) {
        const report = await scrubRepositories(context, [name], scrubOptions.signal);
        total.repositories += report.repositories;
        total.manifestsChecked += report.manifestsChecked;
        total.blobsChecked += report.blobsChecked;
        total.findings.push(...report.findings);
      }
      return total;
    },
    scrubImages(name, scrubOptions = {}) {
      assertRepositoryName(name);
      return scrubRepositoryImages(contextFor(name), name, scrubOptions);
    },
    subscribe: (observer) => events.subscribe(observer),
  };
}

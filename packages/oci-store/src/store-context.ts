// What every store of one storage root shares: the driver, locks, events, the dedupe locator, upload
// hash states and the manifest summary cache. One context per root directory (the default store and
// each subPath store).
import { type BlobLocator, createBlobLocator } from './blob-locator.js';
import type { EventHub } from './events.js';
import { BlobTouches } from './gc/blob-touches.js';
import { createInProcessCounter, type GenerationCounter } from './generation-counter.js';
import { layout, OCI_LAYOUT_CONTENT } from './layout.js';
import type { Locks } from './locks.js';
import { ManifestBodyCache } from './manifest-body-cache.js';
import type { ManifestSummary } from './manifest-parse.js';
import { emptyIndex, writeIndex } from './oci-index.js';
import type { StorageDriver } from './storage-driver.js';
import type { Digest, RepositoryStore } from './store-types.js';
import type { UploadHash } from './upload-hash.js';
import type { UploadWorkerPool } from './upload-worker-pool.js';

export interface UploadState {
  /** sha256 of every byte received so far, kept so finish needs no second read (here or in a worker thread). */
  hash: UploadHash;
  size: number;
  startedAt: Date;
}

export interface StoreContext {
  readonly driver: StorageDriver;
  readonly locks: Locks;
  readonly events: EventHub;
  readonly dedupe: boolean;
  readonly maxManifestSize: number;
  readonly locator: BlobLocator;
  /** Keyed by `<repository>/<uploadSessionId>`. Lost on restart; rebuilt by re-hashing the partial file once. */
  readonly uploads: Map<string, UploadState>;
  /** Threads that hash and write upload bytes (local disk); absent: uploads hash on the main thread. */
  readonly uploadWorkers?: UploadWorkerPool;
  readonly summaries: SummaryCache;
  /** Manifest bodies read before, valid until the next blob deletion under this root. */
  readonly manifestBodies: ManifestBodyCache;
  /** Bumped whenever a repository directory appears or disappears, to invalidate the catalog cache. */
  catalogGeneration: number;
  /** When each blob path was last placed (for GC's delay: a hard link keeps an old mtime). */
  readonly blobTouches: BlobTouches;
  /**
   * Bumped before any blob file is deleted (GC, blob delete, manifest delete). A manifest put that saw
   * another value before its checks re-checks its blobs under the repository lock.
   */
  blobDeletions: number;
  /** Resolves a repository of the whole store (may live in another context, for cross-root mounts). */
  readonly repositoryOf: (name: string) => RepositoryStore & { readonly context: StoreContext };
}

/** A bounded map: manifests are immutable per digest, so a summary never goes stale. */
export class SummaryCache {
  private readonly entries = new Map<Digest, ManifestSummary>();
  constructor(private readonly capacity = 10_000) {}
  get(digest: Digest): ManifestSummary | undefined {
    return this.entries.get(digest);
  }
  set(digest: Digest, summary: ManifestSummary): void {
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(digest, summary);
  }
}

export function createStoreContext(options: {
  driver: StorageDriver;
  locks: Locks;
  events: EventHub;
  dedupe: boolean;
  maxManifestSize: number;
  repositoryOf: StoreContext['repositoryOf'];
  locator?: BlobLocator;
  /** Shared with other processes on this root (`createFileCounter`); in-process by default. */
  counters?: { blobDeletions: GenerationCounter; catalogGeneration: GenerationCounter };
  /** Shared with other processes on this root (`SharedBlobTouches`); in-process by default. */
  blobTouches?: BlobTouches;
  uploadWorkers?: UploadWorkerPool;
}): StoreContext {
  const { counters: shared, blobTouches, ...rest } = options;
  const counters = shared ?? {
    blobDeletions: createInProcessCounter(),
    catalogGeneration: createInProcessCounter(),
  };
  const context = {
    ...rest,
    locator: options.locator ?? createBlobLocator(options.driver),
    uploads: new Map(),
    summaries: new SummaryCache(),
    manifestBodies: new ManifestBodyCache(),
    blobTouches: blobTouches ?? new BlobTouches(),
  } as Omit<StoreContext, 'blobDeletions' | 'catalogGeneration'>;
  // read and bumped as numbers (`context.blobDeletions += 1`) where they are used; a counter behind them, so
  // that processes sharing the root see each other's bumps: any assignment is one bump
  return Object.defineProperties(context, {
    blobDeletions: {
      get: () => counters.blobDeletions.value(),
      set: () => counters.blobDeletions.bump(),
      enumerable: true,
    },
    catalogGeneration: {
      get: () => counters.catalogGeneration.value(),
      set: () => counters.catalogGeneration.bump(),
      enumerable: true,
    },
  }) as StoreContext;
}

/** Creates oci-layout and an empty index.json when missing (zot's InitRepo), under the repository lock. */
export async function initRepository(
  context: StoreContext,
  repository: string,
  events: EventHub = context.events,
): Promise<void> {
  const { driver } = context;
  if (await driver.stat(layout.indexPath(repository))) return;
  const created = await context.locks.withRepoLock(repository, async () => {
    if (!(await driver.stat(layout.ociLayoutPath(repository)))) {
      await driver.putContent(layout.ociLayoutPath(repository), OCI_LAYOUT_CONTENT);
    }
    if (!(await driver.stat(layout.indexPath(repository)))) {
      await writeIndex(driver, repository, emptyIndex());
      context.catalogGeneration += 1;
      return true;
    }
    return false;
  });
  if (created) events.emit({ type: 'repositoryCreated', repository });
}

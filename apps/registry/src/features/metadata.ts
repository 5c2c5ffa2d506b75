// Keeps repository and image metadata (the MetaStore's `repos`) in step with storage: zot's meta hooks
// (OnUpdateManifest, OnDeleteManifest, OnGetManifest) fed by the store's events and the API's download events,
// plus zot's ParseStorage on start, for what changed while we were not running.
//
// Off the request path: an event only appends a job to one queue, so a push waits for nothing here. Jobs run in
// event order; each reads what it needs from storage, then issues its database write without waiting for the
// commit, so writes land in event order while LMDB batches their commits.
//
// Crash safety: LMDB commits whole or not at all, so a kill -9 leaves the database as of some event. Storage
// fingerprints are recorded only by the start-up parse and by a clean shutdown (once every job is done); after a
// kill the index.json of every repository changed since then no longer matches its fingerprint, and the next
// start re-reads exactly those. (The first event of a repository in a run also clears its fingerprint, so even
// a fingerprint that failed to change, e.g. a coarse modification time, cannot hide a lost update.)
import { createPullBatcher, type MetaStore } from '@zot-ts/metastore';
import type { OciApiObserver } from '@zot-ts/oci-api';
import type { Store, StoreEvent } from '@zot-ts/oci-store';
import type { Logger } from '../log-sink.js';
import type { Feature, FeatureContext } from './feature.js';
import { readImageMeta } from './metadata-images.js';
import { type SyncSummary, syncRepository, syncStorage } from './metadata-sync.js';
import { createTrustSync, type TrustSync } from './metadata-trust.js';

export interface MetadataSync {
  onStoreEvent(event: StoreEvent): void;
  observer: OciApiObserver;
  /** Resolves once every event so far is applied and written. */
  idle(): Promise<void>;
  /** Like idle(), without writing the download counts waiting for their shared write. */
  settled(): Promise<void>;
  /** Waits for the queue, then records the fingerprints of the repositories changed in this run. */
  close(): Promise<void>;
}

export function createMetadataSync(options: {
  store: Store;
  metaStore: MetaStore;
  logger: Logger;
  now: () => Date;
  /** Downloads are counted in memory and written together after this long (default 1 s): every GET is one. */
  downloadSettleMs?: number;
}): MetadataSync {
  const { store, metaStore, logger, now } = options;
  const downloadSettleMs = options.downloadSettleMs ?? 1000;
  let queue: Promise<void> = Promise.resolve();
  const writes = new Set<Promise<unknown>>();
  const touched = new Set<string>();

  const track = (write: Promise<unknown>, repository: string): void => {
    const settled = write.then(
      () => undefined,
      (error: unknown) => fail(repository, error),
    );
    writes.add(settled);
    void settled.finally(() => writes.delete(settled));
  };
  const fail = (repository: string, error: unknown): void => {
    logger.warn('failed to update repository metadata', {
      module: 'metadb',
      repository,
      error: error instanceof Error ? error.message : String(error),
    });
  };
  /** `job` prepares (reads storage) and hands its database write to `issue`, which does not wait for the commit. */
  type Job = (issue: (write: Promise<unknown>) => void) => Promise<void> | void;
  const enqueue = (repository: string, job: Job): void => {
    if (!touched.has(repository)) {
      touched.add(repository);
      if (metaStore.storageSync) track(metaStore.storageSync.clear(repository), repository);
    }
    queue = queue.then(async () => {
      try {
        await job((write) => track(write, repository));
      } catch (error) {
        fail(repository, error);
      }
    });
  };

  function onStoreEvent(event: StoreEvent): void {
    switch (event.type) {
      case 'manifestPut': {
        const { repository, digest, tag } = event;
        // zot's PushedBy: the user the API put on the event (absent for sync, GC, anonymous pushes)
        const user = event.actor?.user;
        const push = { at: now(), ...(user === undefined ? {} : { pushedBy: user }) };
        enqueue(repository, async (issue) => {
          const image = await readImageMeta(store.repository(repository), digest, metaStore);
          // gone again already (a delete follows in the queue), or not an image: nothing to record
          if (image) issue(metaStore.repos.setRepoReference(repository, tag ?? digest, image, push));
        });
        // `PUT ?tag=a&tag=b` sends one event for the first tag: the others are read from index.json
        if (tag !== undefined)
          enqueue(repository, (issue) => extraTags(repository, digest, tag, push, issue));
        return;
      }
      case 'tagDeleted':
        enqueue(event.repository, (issue) =>
          issue(metaStore.repos.removeRepoReference(event.repository, event.tag, event.digest)),
        );
        return;
      case 'manifestDeleted':
        enqueue(event.repository, (issue) =>
          issue(metaStore.repos.removeRepoReference(event.repository, event.digest, event.digest)),
        );
        return;
      case 'gcRun':
        // GC and retention emit their deletions as events; a re-read of the repository catches anything else
        if (event.deleted.manifest > 0 || (event.tagsDeleted ?? 0) > 0) {
          enqueue(event.repository, () => syncRepository(store, metaStore, event.repository, now()));
        }
        return;
      default:
        return;
    }
  }

  async function extraTags(
    repository: string,
    digest: string,
    firstTag: string,
    push: { at: Date; pushedBy?: string },
    issue: (write: Promise<unknown>) => void,
  ): Promise<void> {
    // most pushes have one tag: look at the (cached) index first, the database only when another tag is there
    const others = (await store.repository(repository).tags.entries()).filter(
      (entry) => entry.tag !== firstTag && entry.descriptor.digest === digest,
    );
    if (others.length === 0) return;
    const known = await metaStore.repos.getRepoMeta(repository);
    const missing = others.filter((entry) => known?.tags[entry.tag]?.digest !== digest);
    if (missing.length === 0) return;
    // the first tag's write is issued but maybe not committed: wait for it, it carries the image meta
    await Promise.all(writes);
    const image = await metaStore.repos.getImageMeta(digest);
    for (const entry of missing) {
      if (image) issue(metaStore.repos.setRepoReference(repository, entry.tag, image, push));
    }
  }

  // Downloads counted together for downloadSettleMs, written one transaction per repository: on Redis each
  // write rereads and rewrites the whole RepoMeta, and instances writing one per digest lost each other's races
  // over and over (scale-out GETs fell from 400 to 90/s)
  const downloads = createPullBatcher({
    settleMs: downloadSettleMs,
    write: async (batch) => {
      for (const [repository, byDigest] of batch) {
        enqueue(repository, (issue) => issue(metaStore.repos.recordDownloads(repository, byDigest)));
      }
    },
  });

  return {
    onStoreEvent,
    observer(event) {
      // zot counts a download on a manifest GET (not HEAD), for the digest served
      if (event.type !== 'manifestDownloaded') return;
      void downloads.add(event.repository, event.digest, now());
    },
    async settled() {
      await queue;
      while (writes.size > 0) await Promise.all(writes);
    },
    async idle() {
      void downloads.flush();
      await this.settled();
    },
    async close() {
      await this.idle();
      if (!metaStore.storageSync) return;
      for (const repository of touched) {
        const fingerprint = await store.repository(repository).indexFingerprint();
        // the server has stopped taking requests: storage and metadata agree now
        if (fingerprint !== undefined) await metaStore.storageSync.set(repository, fingerprint);
      }
    },
  };
}

/** The registry feature: parse on start (awaited, as zot does before serving), then follow the events. */
export async function composeMetadata(
  context: FeatureContext,
): Promise<Feature & { sync: MetadataSync; startup: SyncSummary; trust?: TrustSync }> {
  const { store, metaStore, logger } = context;
  const now = context.now ?? (() => new Date());
  const started = performance.now();
  const startup = await syncStorage(store, metaStore, {
    now,
    onError: (repository, error) =>
      logger.error('failed to parse repository metadata', {
        module: 'metadb',
        repository,
        error: error instanceof Error ? error.message : String(error),
      }),
  });
  logger.info('metadata database in step with storage', {
    module: 'metadb',
    ...startup,
    durationMs: Math.round(performance.now() - started),
  });
  const sync = createMetadataSync({ store, metaStore, logger, now });
  const unsubscribe = store.subscribe(sync.onStoreEvent);
  const trust = composeTrust(context, sync, now);
  return {
    sync,
    startup,
    ...(trust === undefined ? {} : { trust }),
    observer: sync.observer,
    async close() {
      unsubscribe();
      await trust?.close();
      await sync.close();
    },
  };
}

/** With extensions.trust on: signature trust verified in the background and stored in the metadata. */
function composeTrust(context: FeatureContext, sync: MetadataSync, now: () => Date): TrustSync | undefined {
  const source = context.signatureTrust;
  if (source === undefined) return undefined;
  const trust = createTrustSync({
    metaStore: context.metaStore,
    source,
    settled: () => sync.settled(),
    logger: context.logger,
    now,
  });
  // subscribed after the metadata queue: a signature's trust job runs once the signature is recorded
  const unsubscribeStore = context.store.subscribe(trust.onStoreEvent);
  const unsubscribeTrust = source.onTrustChanged(() => trust.scheduleAll());
  // what the start-up parse recorded afresh is unverified; persisted results make the rest cheap
  trust.scheduleAll();
  return {
    ...trust,
    async close() {
      unsubscribeStore();
      unsubscribeTrust();
      await trust.close();
    },
  };
}

// Config -> createGcJob options, for the server's GC schedule (features/gc.ts) and for
// `zot verify-feature retention`. Compose-side code: the store knows neither the config file nor the
// metadata store, so storage.gc* / storage.retention and the metastore's tag times are mapped here.
import { parseDuration, type StorageOptions, type ZotConfig } from '@zot-ts/config';
import type { MetaStore } from '@zot-ts/metastore';
import type { GcJobOptions, RetentionOptions, Store, TagTimes } from '@zot-ts/oci-store';

/** storage.retention with durations in milliseconds (zot: retention.delay defaults to gcDelay). */
export function retentionOptionsOf(storage: StorageOptions): RetentionOptions | undefined {
  const { retention } = storage;
  if (retention === undefined) return undefined;
  const optionalMs = (value: string | undefined) => (value === undefined ? undefined : parseDuration(value));
  return {
    dryRun: retention.dryRun,
    delayMs: parseDuration(retention.delay ?? storage.gcDelay),
    policies: retention.policies.map((policy) => ({
      repositories: policy.repositories,
      deleteReferrers: policy.deleteReferrers,
      deleteUntagged: policy.deleteUntagged,
      keepTags: policy.keepTags.map((keep) => {
        const pulled = optionalMs(keep.pulledWithin);
        const pushed = optionalMs(keep.pushedWithin);
        return {
          patterns: keep.patterns,
          ...(pulled !== undefined ? { pulledWithinMs: pulled } : {}),
          ...(pushed !== undefined ? { pushedWithinMs: pushed } : {}),
          ...(keep.mostRecentlyPushedCount !== undefined
            ? { mostRecentlyPushedCount: keep.mostRecentlyPushedCount }
            : {}),
          ...(keep.mostRecentlyPulledCount !== undefined
            ? { mostRecentlyPulledCount: keep.mostRecentlyPulledCount }
            : {}),
        };
      }),
    })),
  };
}

/** createGcJob options for one storage root (the global storage or one subPaths entry). */
export function gcJobOptionsOf(
  store: Store,
  storage: StorageOptions,
  ports: Pick<GcJobOptions, 'tagTimes' | 'isSignature' | 'onDecision' | 'dryRun' | 'now'> = {},
): GcJobOptions {
  const retention = retentionOptionsOf(storage);
  return {
    store,
    delayMs: parseDuration(storage.gcDelay),
    // zot: with no matching policy untagged manifests go and referrers stay (signatures still go with their image)
    deleteUntagged: true,
    deleteReferrers: false,
    ...(retention !== undefined ? { retention } : {}),
    ...ports,
  };
}

/** The metastore's tag times as the GC port wants them. */
export function tagTimesOf(meta: MetaStore): TagTimes {
  return {
    async list(repository) {
      return (await meta.tagTimes.list(repository)).map((record) => ({
        tag: record.tag,
        digest: record.digest,
        pushedAt: record.pushedAt,
        ...(record.lastPulledAt !== undefined ? { pulledAt: record.lastPulledAt } : {}),
      }));
    },
  };
}

/** One storage root with its own GC settings: the global storage ("/") or a subPaths entry ("/a"). */
export interface StorageRoot {
  /** "/" for the global storage, else the subPaths key as written. */
  prefix: string;
  options: StorageOptions;
}

/** Every storage root, the global one first (zot starts the default store's GC, then each subpath's). */
export function storageRootsOf(config: ZotConfig): StorageRoot[] {
  return [
    { prefix: '/', options: config.storage },
    ...Object.entries(config.storage.subPaths ?? {}).map(([prefix, options]) => ({ prefix, options })),
  ];
}

/** The storage settings a repository routes to: the longest matching subPaths prefix, else the global ones
 *  (the same rule as the store's routing, zot's StoreController). */
export function storageFor(config: ZotConfig, repository: string): StorageOptions {
  let best: { length: number; options: StorageOptions } = { length: 0, options: config.storage };
  for (const [prefix, options] of Object.entries(config.storage.subPaths ?? {})) {
    const trimmed = prefix.replace(/^\/+|\/+$/g, '');
    if (trimmed === '' || trimmed.length <= best.length) continue;
    if (repository === trimmed || repository.startsWith(`${trimmed}/`))
      best = { length: trimmed.length, options };
  }
  return best.options;
}

/** The store seen by one root's GC job: the same repositories, but a catalog listing only that root's,
 *  so the job's runAll never collects another root's repositories with the wrong settings. */
export function storeForRoot(store: Store, config: ZotConfig, root: StorageRoot): Store {
  return {
    repository: (name) => store.repository(name),
    scrub: (options) => store.scrub(options),
    scrubImages: (name, options) => store.scrubImages(name, options),
    subscribe: (observer) => store.subscribe(observer),
    async catalog(page = {}) {
      const { repositories } = await store.catalog();
      const { last, n } = page;
      const owned = repositories.filter(
        (name) => storageFor(config, name) === root.options && (last === undefined || name > last),
      );
      return { repositories: n === undefined ? owned : owned.slice(0, n) };
    },
  };
}

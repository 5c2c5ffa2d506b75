// storage.maxRepos: at most N repositories, as zot v2.1.17 enforces it (pkg/api/quota.go). A repository comes
// into being with its first manifest: zot checks only manifest PUTs, against the repositories its metadata
// database knows, and those are the ones a manifest was pushed to. Blob uploads to a new name are not refused
// (the name holds no image until a manifest arrives), and a repository that already holds a manifest always
// takes more. Creations are serialised by one lock, so two pushes racing for the last slot cannot both win.
//
// The count is of repositories whose index.json lists at least one manifest. It is built from storage on
// first need (so it is right after a restart), kept current from the store's own events (a push adds; a
// delete or a GC pass marks the repository for a re-check), and rebuilt from storage when older than
// `rescanMs`, so repositories changed behind the server's back (another process, a hand edit) are counted too.
// Deleting every manifest of a repository frees its slot at once; zot frees it only when GC has removed the
// directory and the server restarted (its metadata entry outlives the repository until the next parse).
import { OciError } from './errors.js';
import { readIndexView } from './oci-index.js';
import type { StoreContext } from './store-context.js';
import type { ManifestStore, StoreEvent } from './store-types.js';

export interface QuotaRefusal {
  repository: string;
  /** Repositories counted when the push was refused. */
  current: number;
  limit: number;
}

export interface RepositoryQuotaOptions {
  maxRepositories: number;
  /** Every repository of every storage root, with the root that serves it. */
  listRepositories(): Promise<Array<{ name: string; context: StoreContext }>>;
  /** Told of each refusal (the registry logs zot's warning line). */
  onRefused?: (refusal: QuotaRefusal) => void;
  /** Age after which the count is rebuilt from storage; default 5 minutes. */
  rescanMs?: number;
  now?: () => number;
  /**
   * Orders creations across processes (`http.workers`: the store's cross-process lock); the in-process order
   * stays inside it. With several processes, pass `rescanMs: 0` too: the others' pushes are not in our count.
   */
  serialiseAcrossProcesses?: <T>(work: () => Promise<T>) => Promise<T>;
}

export interface RepositoryQuota {
  /** `manifests` of repository `name`, whose put refuses to create a repository beyond the limit. */
  guard(context: StoreContext, name: string, manifests: ManifestStore): ManifestStore;
  /** Subscribe to the store's events: keeps the count current. */
  observe(event: StoreEvent): void;
  /** Repositories holding at least one manifest, as the quota counts them. */
  count(): Promise<number>;
}

async function holdsManifests(context: StoreContext, name: string): Promise<boolean> {
  try {
    const view = await readIndexView(context.driver, name);
    return view !== undefined && view.index.manifests.length > 0;
  } catch {
    // an unreadable index.json: the directory is there and was a repository; count it (fail closed)
    return true;
  }
}

export function createRepositoryQuota(options: RepositoryQuotaOptions): RepositoryQuota {
  const limit = options.maxRepositories;
  const rescanMs = options.rescanMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  let counted: Set<string> | undefined;
  let countedAt = 0;
  const recheck = new Map<string, StoreContext | undefined>();
  const contexts = new Map<string, StoreContext>();
  let creations: Promise<unknown> = Promise.resolve();

  async function rescan(): Promise<Set<string>> {
    const found = new Set<string>();
    const repositories = await options.listRepositories();
    // a few index stats at a time: bounded file handles on a large root
    for (let start = 0; start < repositories.length; start += 32) {
      const batch = repositories.slice(start, start + 32);
      const held = await Promise.all(batch.map(({ name, context }) => holdsManifests(context, name)));
      batch.forEach(({ name, context }, index) => {
        contexts.set(name, context);
        if (held[index] === true) found.add(name);
      });
    }
    countedAt = now();
    recheck.clear();
    return found;
  }

  async function count(): Promise<number> {
    if (counted === undefined || now() - countedAt >= rescanMs) counted = await rescan();
    for (const [name, known] of recheck) {
      recheck.delete(name);
      const context = known ?? contexts.get(name);
      if (context === undefined) continue;
      if (await holdsManifests(context, name)) counted.add(name);
      else counted.delete(name);
    }
    return counted.size;
  }

  /** One creation at a time: the count and the put that follows it must not interleave with another. */
  function serialised<T>(inner: () => Promise<T>): Promise<T> {
    const across = options.serialiseAcrossProcesses;
    const work = across === undefined ? inner : () => across(inner);
    const result = creations.then(work, work);
    creations = result.catch(() => undefined);
    return result;
  }

  return {
    guard(context, name, manifests) {
      contexts.set(name, context);
      return {
        ...manifests,
        get: manifests.get.bind(manifests),
        stat: manifests.stat.bind(manifests),
        delete: manifests.delete.bind(manifests),
        async put(reference, mediaType, content, putOptions) {
          if (await holdsManifests(context, name))
            return manifests.put(reference, mediaType, content, putOptions);
          return serialised(async () => {
            // re-check under the lock: a racing push may have created it meanwhile
            if (!(await holdsManifests(context, name))) {
              const current = await count();
              if (current >= limit) {
                options.onRefused?.({ repository: name, current, limit });
                // zot's answer, detail included: {"limit": "<maxRepos>"} (a string, as zot writes it)
                throw new OciError('TOOMANYREQUESTS', { detail: { limit: String(limit) } });
              }
            }
            const result = await manifests.put(reference, mediaType, content, putOptions);
            counted?.add(name);
            return result;
          });
        },
      };
    },
    observe(event) {
      if (event.type === 'manifestPut') {
        counted?.add(event.repository);
        recheck.delete(event.repository);
      } else if (event.type === 'manifestDeleted' || event.type === 'tagDeleted' || event.type === 'gcRun') {
        recheck.set(event.repository, contexts.get(event.repository));
      }
    },
    count: () => serialised(count),
  };
}

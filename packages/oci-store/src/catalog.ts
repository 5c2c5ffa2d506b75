// Repository discovery (distribution-spec, "Listing Repositories"). A repository is a directory holding
// index.json or oci-layout; nested names are nested directories, and a repository may contain others
// (`a` and `a/b`). The walk never enters blobs/ or .uploads/, so it costs one listing per directory,
// and its result is cached until a repository is created here or a short time passes (other writers).
import { isLayoutDirectory, isRepositoryListing } from './layout.js';
import { isRepositoryName } from './name.js';
import type { StoreContext } from './store-context.js';

const cacheLifetimeMs = 2_000;

export async function walkRepositories(context: StoreContext): Promise<string[]> {
  const found: string[] = [];
  const pending: string[] = [''];
  while (pending.length > 0) {
    const batch = pending.splice(0, 32);
    // list a few directories at a time: enough parallelism for the disk, bounded file handles
    const listings = await Promise.all(
      batch.map(async (dir) => ({ dir, entries: await context.driver.list(dir) })),
    );
    for (const { dir, entries } of listings) {
      if (dir !== '' && isRepositoryListing(entries.map((entry) => entry.name))) found.push(dir);
      for (const entry of entries) {
        if (!entry.isDirectory || isLayoutDirectory(entry.name)) continue;
        const child = dir === '' ? entry.name : `${dir}/${entry.name}`;
        if (isRepositoryName(child)) pending.push(child);
      }
    }
  }
  return found.sort();
}

export interface CatalogCache {
  list(context: StoreContext): Promise<string[]>;
}

export function createCatalogCache(now: () => number = Date.now): CatalogCache {
  const cached = new Map<StoreContext, { generation: number; at: number; names: Promise<string[]> }>();
  return {
    list(context) {
      const entry = cached.get(context);
      if (entry && entry.generation === context.catalogGeneration && now() - entry.at < cacheLifetimeMs) {
        return entry.names;
      }
      const names = walkRepositories(context);
      cached.set(context, { generation: context.catalogGeneration, at: now(), names });
      names.catch(() => cached.delete(context));
      return names;
    },
  };
}

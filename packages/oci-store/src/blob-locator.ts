// The dedupe index: where a copy of a digest already lives, so a new copy can be a hard link.
// zot keeps this in a cache DB; we build it lazily with one walk of the root on first use and keep
// it current from our own writes. A stale entry is harmless: the link fails and we store a copy.
import { BLOBS_DIR, digestOfBlobFile } from './layout.js';
import type { StorageDriver } from './storage-driver.js';
import type { Digest } from './store-types.js';

/**
 * The dedupe index. A stale or missing entry only costs a second copy (placement checks what `find`
 * returns). An implementation on a remote store may return a promise from `add` and `remove`: placement
 * waits for `add`, so another instance finds the blob as soon as its push is acknowledged; other callers
 * do not wait, and such promises never reject.
 */
export interface BlobLocator {
  /** A driver path holding `digest`, other than `exceptPath`, if one is known. */
  find(digest: Digest, exceptPath?: string): Promise<string | undefined>;
  add(digest: Digest, path: string): void | Promise<void>;
  remove(digest: Digest, path: string): void | Promise<void>;
}

export function createBlobLocator(driver: StorageDriver): BlobLocator {
  const pathsByDigest = new Map<Digest, Set<string>>();
  let built: Promise<void> | undefined;

  const add = (digest: Digest, path: string): void => {
    let paths = pathsByDigest.get(digest);
    if (!paths) {
      paths = new Set();
      pathsByDigest.set(digest, paths);
    }
    paths.add(path);
  };

  async function build(): Promise<void> {
    for await (const file of driver.walk('')) {
      const parts = file.path.split('/');
      if (parts.length < 4 || parts[parts.length - 3] !== BLOBS_DIR) continue;
      const digest = digestOfBlobFile(parts[parts.length - 2] ?? '', parts[parts.length - 1] ?? '');
      if (digest) add(digest, file.path);
    }
  }

  return {
    async find(digest, exceptPath) {
      built ??= build().catch(() => undefined);
      await built;
      for (const path of pathsByDigest.get(digest) ?? []) {
        if (path !== exceptPath) return path;
      }
      return undefined;
    },
    add,
    remove(digest, path) {
      const paths = pathsByDigest.get(digest);
      paths?.delete(path);
      if (paths?.size === 0) pathsByDigest.delete(digest);
    },
  };
}

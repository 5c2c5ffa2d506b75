// Keyed async locks: per repository for index.json, per digest for placing a blob. In-process here; the Redis
// implementation (@zot-ts/redis) shares them between instances. Never one global lock.
export interface Locks {
  withRepoLock<T>(repository: string, work: () => Promise<T>): Promise<T>;
  withDigestLock<T>(digest: string, work: () => Promise<T>): Promise<T>;
  /** Serialises work on one key of any kind (upload sessions). */
  withKeyLock<T>(key: string, work: () => Promise<T>): Promise<T>;
  /**
   * Locks shared between instances (Redis) can expire under a stalled holder. Called inside withRepoLock right
   * before index.json is replaced: throws unless this holder still holds the lock (its fencing token is the
   * newest), so a holder whose lock expired never overwrites a newer write. In-process locks cannot expire and
   * leave it out; its presence also tells the store that other instances may delete blobs behind its back.
   */
  checkFence?(repository: string): Promise<void>;
}

export function createInProcessLocks(): Locks {
  // The tail of each key's queue; removed when the last holder finishes, so the map stays small.
  const tails = new Map<string, Promise<void>>();

  async function withKeyLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (tails.get(key) === tail) tails.delete(key);
    }
  }

  return {
    withKeyLock,
    withRepoLock: (repository, work) => withKeyLock(`repo:${repository}`, work),
    withDigestLock: (digest, work) => withKeyLock(`digest:${digest}`, work),
  };
}

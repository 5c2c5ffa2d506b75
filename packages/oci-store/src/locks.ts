// Keyed async locks: per repository for index.json, per digest for placing a blob. In-process now;
// a Redis implementation of the same interface comes with scale-out. Never one global lock.
export interface Locks {
  withRepoLock<T>(repository: string, work: () => Promise<T>): Promise<T>;
  withDigestLock<T>(digest: string, work: () => Promise<T>): Promise<T>;
  /** Serialises work on one key of any kind (upload sessions). */
  withKeyLock<T>(key: string, work: () => Promise<T>): Promise<T>;
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

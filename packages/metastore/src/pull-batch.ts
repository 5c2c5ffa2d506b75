// Batched pull counting: every manifest GET records a pull, and writing each one on its own costs a transaction
// per request (on Redis a rewrite of a whole record, raced by every instance). Pulls that arrive within
// `settleMs` of the first are counted together, repository -> reference -> {count, latest time}, and handed to
// `write` as one batch. Losing a batch in a crash only makes a pull count a little low.

export interface PullTally {
  count: number;
  /** The latest pull's time. */
  at: Date;
}

/** repository -> reference (tag or digest) -> tally. */
export type PullBatch = Map<string, Map<string, PullTally>>;

export interface PullBatcher {
  /** Counts one pull; resolves once the batch holding it is written (rejects if that write fails). */
  add(repository: string, reference: string, at: Date): Promise<void>;
  /**
   * Hands the pending batch to `write` now, synchronously (so it is issued before any write its caller issues
   * next: a push after a pull must not be overtaken by it), and resolves when it is written.
   */
  flush(): Promise<void>;
}

export function createPullBatcher(options: {
  /** 0 writes each pull at once. */
  settleMs: number;
  write(batch: PullBatch): Promise<void>;
}): PullBatcher {
  let pending: PullBatch = new Map();
  let waiting:
    | { promise: Promise<void>; resolve(): void; reject(error: unknown): void; timer?: NodeJS.Timeout }
    | undefined;

  function flush(): Promise<void> {
    if (waiting === undefined) return Promise.resolve();
    const { promise, resolve, reject, timer } = waiting;
    clearTimeout(timer);
    waiting = undefined;
    const batch = pending;
    pending = new Map();
    options.write(batch).then(resolve, reject);
    return promise;
  }

  return {
    add(repository, reference, at) {
      const references = pending.get(repository) ?? new Map<string, PullTally>();
      pending.set(repository, references);
      const seen = references.get(reference);
      if (seen) {
        seen.count++;
        seen.at = at;
      } else references.set(reference, { count: 1, at });
      if (waiting === undefined) {
        let resolve: () => void = () => undefined;
        let reject: (error: unknown) => void = () => undefined;
        const promise = new Promise<void>((onDone, onError) => {
          resolve = onDone;
          reject = onError;
        });
        waiting = { promise, resolve, reject };
        if (options.settleMs > 0) {
          waiting.timer = setTimeout(flush, options.settleMs);
          waiting.timer.unref(); // the owner's close() flushes what is left
        }
      }
      const { promise } = waiting;
      if (options.settleMs === 0) void flush();
      return promise;
    },
    flush,
  };
}

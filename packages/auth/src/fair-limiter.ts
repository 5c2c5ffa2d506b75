// Runs CPU-heavy work (bcrypt) a few at a time, taking turns between keys (usernames) so that one
// key with a thousand queued attempts delays another key by at most one turn, not a thousand.
// Each key may queue only a bounded number of jobs: beyond that, new ones fail at once with
// LimiterBusyError, which costs the attacker nothing and the server nothing.

export class LimiterBusyError extends Error {
  constructor(key: string) {
    super(`too many pending verifications for ${JSON.stringify(key)}`);
    this.name = 'LimiterBusyError';
  }
}

interface Job {
  task: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

export interface FairLimiter {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Jobs waiting (not running) for `key`. */
  queued(key: string): number;
}

export function createFairLimiter(options: { concurrency: number; maxQueuedPerKey: number }): FairLimiter {
  const concurrency = Math.max(1, options.concurrency);
  // Map iteration order is insertion order: the first key is the one whose turn it is.
  const queues = new Map<string, Job[]>();
  let active = 0;

  const pump = (): void => {
    while (active < concurrency) {
      const first = queues.entries().next();
      if (first.done) return;
      const [key, queue] = first.value;
      const job = queue.shift() as Job;
      queues.delete(key);
      if (queue.length > 0) queues.set(key, queue); // to the back of the line
      active++;
      job
        .task()
        .then(job.resolve, job.reject)
        .finally(() => {
          active--;
          pump();
        });
    }
  };

  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const queue = queues.get(key) ?? [];
        if (queue.length >= options.maxQueuedPerKey) {
          reject(new LimiterBusyError(key));
          return;
        }
        queue.push({ task, resolve: resolve as (value: unknown) => void, reject });
        if (!queues.has(key)) queues.set(key, queue);
        pump();
      });
    },
    queued(key) {
      return queues.get(key)?.length ?? 0;
    },
  };
}

// Runs CPU-heavy work (bcrypt) a few at a time, taking turns at two levels: between sources (client
// addresses), then, inside one source, between keys (usernames). So a source with a thousand queued attempts
// delays another source by at most one turn, and one user's flood delays another user of the same source by
// at most one turn too. A source may hold at most `maxActivePerSource` of the workers while others wait, so
// one source cannot take the whole pool, and may queue at most `maxQueuedPerSource` jobs. When its queue is full,
// the OLDEST waiting job of its longest line is refused (LimiterBusyError, which costs nothing) and the newcomer
// is queued: a burst of wrong passwords for a user cannot keep that user's own attempt, arriving after it, out
// of the queue (refusing the newcomer would lock her out). Nothing is bounded per username.

export class LimiterBusyError extends Error {
  constructor(source: string) {
    super(`too many pending verifications from ${JSON.stringify(source)}`);
    this.name = 'LimiterBusyError';
  }
}

interface Job {
  task: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/** One source's waiting jobs, by key; Map order is the turn order (the first key goes next). */
interface SourceQueue {
  byKey: Map<string, Job[]>;
  queued: number;
  active: number;
}

export interface FairLimiter {
  run<T>(source: string, key: string, task: () => Promise<T>): Promise<T>;
  /** Jobs waiting (not running) from `source`. */
  queued(source: string): number;
}

export interface FairLimiterOptions {
  concurrency: number;
  maxQueuedPerSource: number;
  /** Default: half the concurrency, at least 1. */
  maxActivePerSource?: number;
}

export function createFairLimiter(options: FairLimiterOptions): FairLimiter {
  const concurrency = Math.max(1, options.concurrency);
  const maxActivePerSource = Math.max(1, options.maxActivePerSource ?? Math.ceil(concurrency / 2));
  // Map iteration order is insertion order: the first source with a job is the one whose turn it is.
  const sources = new Map<string, SourceQueue>();
  let active = 0;

  const take = (source: string, queue: SourceQueue): Job => {
    const first = queue.byKey.entries().next().value as [string, Job[]];
    const [key, jobs] = first;
    const job = jobs.shift() as Job;
    queue.byKey.delete(key);
    if (jobs.length > 0) queue.byKey.set(key, jobs); // this key to the back of its source's line
    queue.queued--;
    // and the source to the back of the line of sources
    sources.delete(source);
    sources.set(source, queue);
    return job;
  };

  const evictOldestOfLongest = (source: string, queue: SourceQueue): void => {
    let longest: [string, Job[]] | undefined;
    for (const entry of queue.byKey)
      if (longest === undefined || entry[1].length > longest[1].length) longest = entry;
    if (longest === undefined) return;
    const [key, jobs] = longest;
    const evicted = jobs.shift() as Job;
    if (jobs.length === 0) queue.byKey.delete(key);
    queue.queued--;
    evicted.reject(new LimiterBusyError(source));
  };

  const pump = (): void => {
    while (active < concurrency) {
      let next: [string, SourceQueue] | undefined;
      for (const entry of sources) {
        if (entry[1].queued > 0 && entry[1].active < maxActivePerSource) {
          next = entry;
          break;
        }
      }
      if (next === undefined) return;
      const [source, queue] = next;
      const job = take(source, queue);
      active++;
      queue.active++;
      job
        .task()
        .then(job.resolve, job.reject)
        .finally(() => {
          active--;
          queue.active--;
          if (queue.active === 0 && queue.queued === 0 && sources.get(source) === queue)
            sources.delete(source);
          pump();
        });
    }
  };

  return {
    run<T>(source: string, key: string, task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        let queue = sources.get(source);
        if (queue === undefined) {
          queue = { byKey: new Map(), queued: 0, active: 0 };
          sources.set(source, queue);
        }
        if (queue.queued >= Math.max(1, options.maxQueuedPerSource)) evictOldestOfLongest(source, queue);
        const jobs = queue.byKey.get(key) ?? [];
        jobs.push({ task, resolve: resolve as (value: unknown) => void, reject });
        if (!queue.byKey.has(key)) queue.byKey.set(key, jobs);
        queue.queued++;
        pump();
      });
    },
    queued(source) {
      return sources.get(source)?.queued ?? 0;
    },
  };
}

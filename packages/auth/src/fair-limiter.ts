// Runs CPU-heavy work (bcrypt) a few at a time, taking turns at two levels: between sources (client
// addresses), then, inside one source, between keys (usernames). So a source with a thousand queued attempts
// delays another source by at most one turn, and one user's flood delays another user of the same source by
// at most one turn too. A source may hold more than `maxActivePerSource` of the workers only while no other
// source waits, so one source cannot keep the whole pool from others. It may queue at most `maxQueuedPerSource`
// jobs: when its queue is full, the OLDEST waiting job of its longest line is refused (LimiterBusyError, which
// costs nothing) and the newcomer is queued, so a burst of wrong passwords for a user cannot keep her own
// attempt, arriving after it, out of the queue (refusing the newcomer would lock her out). Nothing is bounded
// per username.

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

/** One key's waiting jobs; `lastTurn` orders the turns (the smallest goes next; a newcomer's is -1). */
interface Lane {
  jobs: Job[];
  lastTurn: number;
}

/** One source's waiting jobs, by key (a lane is deleted when empty). */
interface SourceQueue {
  lanes: Map<string, Lane>;
  queued: number;
  active: number;
  lastTurn: number;
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

/** The entry whose turn came longest ago among those `eligible`. */
function longestWaiting<T extends { lastTurn: number }>(
  entries: Iterable<[string, T]>,
  eligible: (value: T) => boolean,
): [string, T] | undefined {
  let best: [string, T] | undefined;
  for (const entry of entries)
    if (eligible(entry[1]) && (best === undefined || entry[1].lastTurn < best[1].lastTurn)) best = entry;
  return best;
}

export function createFairLimiter(options: FairLimiterOptions): FairLimiter {
  const concurrency = Math.max(1, options.concurrency);
  const maxActivePerSource = Math.max(1, options.maxActivePerSource ?? Math.ceil(concurrency / 2));
  const sources = new Map<string, SourceQueue>();
  let active = 0;
  let turn = 0;

  const take = (queue: SourceQueue): Job => {
    const [key, lane] = longestWaiting(queue.lanes, () => true) as [string, Lane];
    const job = lane.jobs.shift() as Job;
    if (lane.jobs.length === 0) queue.lanes.delete(key);
    queue.queued--;
    turn++;
    lane.lastTurn = turn;
    queue.lastTurn = turn;
    return job;
  };

  const evictOldestOfLongest = (source: string, queue: SourceQueue): void => {
    let longest: [string, Lane] | undefined;
    for (const entry of queue.lanes)
      if (longest === undefined || entry[1].jobs.length > longest[1].jobs.length) longest = entry;
    if (longest === undefined) return;
    const [key, lane] = longest;
    const evicted = lane.jobs.shift() as Job;
    if (lane.jobs.length === 0) queue.lanes.delete(key);
    queue.queued--;
    evicted.reject(new LimiterBusyError(source));
  };

  const pump = (): void => {
    while (active < concurrency) {
      // work-conserving: past its share only when no other source is waiting (a newcomer then gets the next
      // free worker, since the busy source is over its share)
      const next =
        longestWaiting(sources, (queue) => queue.queued > 0 && queue.active < maxActivePerSource) ??
        longestWaiting(sources, (queue) => queue.queued > 0);
      if (next === undefined) return;
      const [source, queue] = next;
      const job = take(queue);
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
          queue = { lanes: new Map(), queued: 0, active: 0, lastTurn: -1 };
          sources.set(source, queue);
        }
        if (queue.queued >= Math.max(1, options.maxQueuedPerSource)) evictOldestOfLongest(source, queue);
        const lane = queue.lanes.get(key) ?? { jobs: [], lastTurn: -1 };
        lane.jobs.push({ task, resolve: resolve as (value: unknown) => void, reject });
        queue.lanes.set(key, lane);
        queue.queued++;
        pump();
      });
    },
    queued(source) {
      return sources.get(source)?.queued ?? 0;
    },
  };
}

// A counting semaphore: at most `limit` requests to one registry at a time, so a mirror of hundreds of
// images does not open hundreds of connections to an upstream (which would answer 429).

export interface Limiter {
  acquire(signal?: AbortSignal): Promise<() => void>;
  readonly active: number;
}

export function createLimiter(limit: number): Limiter {
  let active = 0;
  const waiting: Array<() => void> = [];
  const releaseOne = () => {
    active--;
    const next = waiting.shift();
    if (next !== undefined) next();
  };
  return {
    get active() {
      return active;
    },
    acquire(signal) {
      return new Promise((resolve, reject) => {
        const grant = () => {
          active++;
          let released = false;
          resolve(() => {
            if (released) return;
            released = true;
            releaseOne();
          });
        };
        if (active < limit) return grant();
        const entry = () => {
          signal?.removeEventListener('abort', onAbort);
          grant();
        };
        const onAbort = () => {
          const index = waiting.indexOf(entry);
          if (index >= 0) waiting.splice(index, 1);
          reject(signal?.reason ?? new Error('aborted'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.push(entry);
      });
    },
  };
}

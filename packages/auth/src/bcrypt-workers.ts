// bcrypt comparisons on worker threads, so that the event loop keeps serving requests while a
// brute-force attempt makes the server hash. bcryptjs is pure JavaScript: on the main thread even
// its async API runs each comparison in slices of up to 100 ms.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Evaluated as CommonJS in the worker; loads the CommonJS build of the same bcryptjs this package uses.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
parentPort.on('message', ({ id, password, hash }) => {
  let matches = false;
  try { matches = bcrypt.compareSync(password, hash); } catch { matches = false; }
  parentPort.postMessage({ id, matches });
});
`;

export interface BcryptWorkerPool {
  /** The caller keeps at most `size` comparisons in flight (the fair limiter does). */
  compare(password: string, hash: string): Promise<boolean>;
  readonly size: number;
  close(): Promise<void>;
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

export function createBcryptWorkerPool(size: number): BcryptWorkerPool {
  const bcryptPath = createRequire(import.meta.url).resolve('bcryptjs');
  const pending = new Map<
    number,
    { resolve: (matches: boolean) => void; reject: (e: unknown) => void; slot: Slot }
  >();
  const waiting: Array<() => void> = [];
  let nextId = 0;

  const slots: Slot[] = Array.from({ length: Math.max(1, size) }, () => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath } });
    worker.unref(); // idle workers must not keep the process alive
    const slot: Slot = { worker, busy: false };
    worker.on('message', ({ id, matches }: { id: number; matches: boolean }) => {
      const request = pending.get(id);
      if (!request) return;
      pending.delete(id);
      release(request.slot);
      request.resolve(matches);
    });
    worker.on('error', (error) => {
      for (const [id, request] of pending) {
        if (request.slot !== slot) continue;
        pending.delete(id);
        request.reject(error);
      }
    });
    return slot;
  });

  const release = (slot: Slot): void => {
    slot.busy = false;
    waiting.shift()?.();
  };
  const acquire = async (): Promise<Slot> => {
    for (;;) {
      const free = slots.find((s) => !s.busy);
      if (free) {
        free.busy = true;
        return free;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  };

  return {
    size: slots.length,
    async compare(password, hash) {
      const slot = await acquire();
      const id = nextId++;
      return new Promise<boolean>((resolve, reject) => {
        pending.set(id, { resolve, reject, slot });
        slot.worker.postMessage({ id, password, hash });
      });
    },
    async close() {
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}

// A small pool of upload worker threads (upload-worker-source.ts), shared by every upload of the process. The
// main thread runs all JavaScript of the registry (HTTP, JSON, locks, metadata); the per-byte work of a push
// (sha256 and handing the bytes to the kernel) is what grows with the bytes, so that is what moves here
// (docs/performance.md, "Fourth round"). An upload state lives in one thread for its whole life, so its bytes
// are hashed and written in the order they were sent. A thread that dies (a crash, or `terminate` in tests)
// fails the requests it had and loses its states: their uploads re-hash the file once, on the main thread.
import { Worker } from 'node:worker_threads';
import { UPLOAD_WORKER_SOURCE } from './upload-worker-source.js';

/** The thread behind an upload state is gone; the state must be rebuilt from the file. */
export class UploadWorkerLostError extends Error {
  constructor() {
    super('upload worker thread exited');
    this.name = 'UploadWorkerLostError';
  }
}

export interface UploadWorkerReply {
  req: number;
  buffer?: ArrayBuffer;
  hex?: string;
  error?: { message: string; code?: string };
}

interface Pending {
  resolve(reply: UploadWorkerReply): void;
  reject(error: Error): void;
}

/** One worker thread and the requests it has not answered yet. */
export class UploadWorkerThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextRequest = 1;
  private nextState = 1;
  private exited = false;

  constructor() {
    this.worker = new Worker(UPLOAD_WORKER_SOURCE, {
      eval: true,
      name: 'zot-upload',
      // the thread's heap holds only small objects (a hash state per upload, message envelopes); V8's default
      // young generation would grow to tens of MiB of RSS for them. Exceeding these ends the thread: handled as
      // a crash (uploads re-hash on the main thread), not a process failure.
      resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 },
    });
    // an idle worker does not keep the process alive; one with requests in flight does (see request)
    this.worker.unref();
    this.worker.on('message', (reply: UploadWorkerReply) => {
      const waiting = this.pending.get(reply.req);
      if (waiting === undefined) return;
      this.pending.delete(reply.req);
      if (this.pending.size === 0) this.worker.unref();
      waiting.resolve(reply);
    });
    // an uncaught error ends the thread: 'exit' follows and fails what was waiting
    this.worker.on('error', () => undefined);
    this.worker.on('exit', () => {
      this.exited = true;
      const waiting = [...this.pending.values()];
      this.pending.clear();
      for (const request of waiting) request.reject(new UploadWorkerLostError());
    });
  }

  /** False once the thread has exited: its states are gone. */
  get alive(): boolean {
    return !this.exited;
  }

  /** A new state id in this thread (ids are per thread). */
  newStateId(): number {
    return this.nextState++;
  }

  /** Fire and forget; ordered with every other message to this thread. Dropped once the thread is gone. */
  post(message: Record<string, unknown>): void {
    if (!this.exited) this.worker.postMessage(message);
  }

  /** A message that gets a reply; `transfer` moves buffers to the thread instead of copying them. */
  request(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<UploadWorkerReply> {
    if (this.exited) return Promise.reject(new UploadWorkerLostError());
    const req = this.nextRequest++;
    return new Promise<UploadWorkerReply>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(req, { resolve, reject });
      this.worker.postMessage({ ...message, req }, transfer);
    });
  }

  /** Ends the thread (tests simulate a crash with it; the process's shutdown needs nothing: idle threads are unref'd). */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

export interface UploadWorkerPool {
  /** The thread for a new upload state: round robin, a dead thread replaced by a new one. */
  assign(): UploadWorkerThread;
  /** Ends every thread (tests). */
  terminateAll(): Promise<void>;
}

export function createUploadWorkerPool(size: number): UploadWorkerPool {
  const threads: Array<UploadWorkerThread | undefined> = Array.from({ length: Math.max(1, size) });
  let next = 0;
  return {
    assign() {
      const slot = next;
      next = (next + 1) % threads.length;
      let thread = threads[slot];
      if (thread === undefined || !thread.alive) {
        thread = new UploadWorkerThread();
        threads[slot] = thread;
      }
      return thread;
    },
    async terminateAll() {
      await Promise.all(threads.map((thread) => thread?.terminate()));
    },
  };
}

const sharedPools = new Map<number, UploadWorkerPool>();

/** The process's pool of `size` threads (one per size, started lazily: a store that never uploads starts none). */
export function sharedUploadWorkerPool(size: number): UploadWorkerPool {
  let pool = sharedPools.get(size);
  if (pool === undefined) {
    pool = createUploadWorkerPool(size);
    sharedPools.set(size, pool);
  }
  return pool;
}

/** Ends every upload worker thread of the process (tests simulate a crash with it). */
export async function terminateUploadWorkers(): Promise<void> {
  await Promise.all([...sharedPools.values()].map((pool) => pool.terminateAll()));
}

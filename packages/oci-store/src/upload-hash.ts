// The running sha256 of an upload session and the path its bytes take to the file, in one of two places:
// - in this thread (any driver; S3, memory, and sessions rebuilt after a restart): hash each piece, coalesce
//   pieces into 1 MiB writes through the driver (write-coalescer.ts);
// - in an upload worker thread (local disk, the default there): pieces are copied into standalone 1 MiB
//   buffers that are transferred, not copied, to the thread, which writes them to the file's descriptor and
//   hashes them; the main thread only copies socket pieces into batches and posts them.
// Both keep the same contract: an append's bytes are hashed and written in order, and an append that fails
// leaves the hash as it was before it (the caller cuts the file back).
import { createHash, type Hash } from 'node:crypto';
import { borrowChunkBuffer, recycleChunk, recycleTransferredChunk } from './chunk-pool.js';
import type { DriverWriter } from './storage-driver.js';
import { CHUNK_SIZE } from './storage-driver.js';
import type { UploadWorkerThread } from './upload-worker-pool.js';
import { createWriteCoalescer } from './write-coalescer.js';

/** One append's way in: bytes to the file and into the hash. */
export interface UploadAppender {
  /** Takes `chunk` (copied: the caller may reuse it); waits when enough bytes are in flight (backpressure). */
  add(chunk: Uint8Array): Promise<void>;
  /** Every byte written and hashed; rejects with the first write error. */
  finish(): Promise<void>;
  /** After a failure (also after `finish`): waits for work in flight, then rolls the hash back. Never rejects. */
  abort(): Promise<void>;
}

export interface UploadHash {
  /** Where the bytes are hashed and written (tests and diagnostics). */
  readonly thread: 'main' | 'worker';
  /** False once the hash is lost (its worker thread exited): the session must be re-hashed from the file. */
  readonly usable: boolean;
  /** Starts an append to `writer` (opened for append on the session's file). */
  appender(writer: DriverWriter): UploadAppender;
  /** Hex sha256 of every byte appended so far. */
  digest(): Promise<string>;
  /** Frees the state (the session is finished, cancelled or swept). */
  release(): void;
}

/** Hashing on this thread; `hash` is the state so far (a fresh one for a new session). */
export function inThreadUploadHash(hash: Hash = createHash('sha256')): UploadHash {
  let current = hash;
  return {
    thread: 'main',
    usable: true,
    appender(writer) {
      const before = current.copy();
      // the socket hands 64 KiB pieces; one write per 1 MiB is markedly faster (STACK.md)
      const coalescer = createWriteCoalescer((chunk) => writer.write(chunk));
      return {
        async add(chunk) {
          current.update(chunk);
          await coalescer.add(chunk);
        },
        finish: () => coalescer.finish(),
        async abort() {
          // a write still in flight would land after the caller's cut: let it finish first
          await coalescer.settle();
          current = before;
        },
      };
    },
    digest: async () => current.copy().digest('hex'),
    release: () => undefined,
  };
}

/**
 * Batches (1 MiB each) of one append in the worker thread at most. After posting a batch, `add` waits until the
 * one before it is done, and only then takes a buffer for the next: so the thread always has the next batch
 * queued when it finishes one (no idle gap per MiB), and an upload holds two buffers at most, as with the
 * in-thread coalescer (32 MiB for 16 uploads).
 */
const MAX_BATCHES_IN_FLIGHT = 2;

/**
 * Batches (1 MiB) in the worker threads for all uploads of the process at once. Without a cap 16 uploads had up
 * to 32 MiB there (plus the batch each was filling), and a server pushing 100 MiB layers at c=16 peaked above
 * 200 MiB of RSS; the disk does not write faster for a longer queue. Only full batches count, and a slot comes
 * back when a thread has written its batch: a slow client, which holds only the batch it is filling, cannot
 * take slots from the others. A full batch waiting for a slot stops its upload's socket reads (backpressure).
 */
const MAX_BATCHES_IN_THREADS = 12;

/** The count of batches in the threads, and the uploads waiting to post one (first come, first served). */
const threadBudget = {
  used: 0,
  waiting: [] as Array<() => void>,
  async acquire(): Promise<void> {
    if (this.used < MAX_BATCHES_IN_THREADS && this.waiting.length === 0) {
      this.used += 1;
      return;
    }
    // the releaser hands its slot over: `used` stays as it was
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  },
  release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next();
    else this.used -= 1;
  },
};

/** Batches in the threads now, the cap, and the uploads waiting for a slot (tests: a leaked slot would stall every upload). */
export function uploadBatchesInThreads(): { used: number; max: number; waiting: number } {
  return { used: threadBudget.used, max: MAX_BATCHES_IN_THREADS, waiting: threadBudget.waiting.length };
}

/** Hashing and writing in `thread`; the writer must expose its descriptor (`DriverWriter.fd`). */
export function workerUploadHash(thread: UploadWorkerThread): UploadHash {
  const id = thread.newStateId();
  thread.post({ op: 'open', id });
  return {
    thread: 'worker',
    get usable() {
      return thread.alive;
    },
    appender(writer) {
      const fd = writer.fd;
      if (fd === undefined) throw new Error('an upload worker needs a writer with a file descriptor');
      thread.post({ op: 'begin', id, fd });
      /** The batch being filled; taken from the pool when the first byte arrives for it. */
      let batch: Buffer | undefined;
      let filled = 0;
      const inFlight: Array<Promise<void>> = [];
      const returnBatch = (): void => {
        if (batch !== undefined) recycleChunk(batch);
        batch = undefined;
      };

      async function send(): Promise<void> {
        if (batch === undefined || filled === 0) return;
        const memory = batch.buffer as ArrayBuffer;
        const length = filled;
        batch = undefined;
        filled = 0;
        await threadBudget.acquire();
        const done = thread
          .request({ op: 'write', id, buffer: memory, length }, [memory])
          .finally(() => threadBudget.release())
          .then((reply) => {
            if (reply.buffer !== undefined) recycleTransferredChunk(reply.buffer);
            if (reply.error !== undefined) {
              throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
            }
          });
        // awaited in order below; until then a rejection must not count as unhandled
        done.catch(() => undefined);
        inFlight.push(done);
        while (inFlight.length >= MAX_BATCHES_IN_FLIGHT) await inFlight.shift();
      }

      return {
        async add(chunk) {
          let offset = 0;
          while (offset < chunk.byteLength) {
            batch ??= standaloneChunk();
            const take = Math.min(chunk.byteLength - offset, CHUNK_SIZE - filled);
            batch.set(chunk.subarray(offset, offset + take), filled);
            filled += take;
            offset += take;
            if (filled === CHUNK_SIZE) await send();
          }
        },
        async finish() {
          await send();
          returnBatch();
          while (inFlight.length > 0) await inFlight.shift();
        },
        async abort() {
          returnBatch();
          const waiting = inFlight.splice(0);
          await Promise.all(waiting.map((done) => done.catch(() => undefined)));
          // after every write of this append: the thread rolls back only once they are done (messages are ordered)
          thread.post({ op: 'rollback', id });
        },
      };
    },
    async digest() {
      const reply = await thread.request({ op: 'digest', id });
      if (reply.hex === undefined) throw new Error(reply.error?.message ?? 'upload digest unavailable');
      return reply.hex;
    },
    release() {
      thread.post({ op: 'drop', id });
    },
  };
}

/** A pooled 1 MiB buffer that is the whole of its memory (only such memory can be transferred as a batch). */
function standaloneChunk(): Buffer {
  const buffer = borrowChunkBuffer();
  if (buffer.byteOffset === 0 && buffer.buffer.byteLength === CHUNK_SIZE) return buffer;
  return Buffer.from(new ArrayBuffer(CHUNK_SIZE));
}

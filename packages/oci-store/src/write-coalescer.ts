// Coalesces an upload's socket pieces (up to 64 KiB each, of any size) into 1 MiB batches: one trip through
// the driver per MiB instead of per piece, and, for the local driver, aligned writes (it cuts each batch into
// write calls of 256 KiB: file-writes.ts says why). Two pooled buffers: while one is being written, the
// next fills from the socket, so receiving and writing overlap instead of taking turns. Never more than one
// write in flight: an upload file is opened for append, and two appends in flight could land out of order.
import { borrowChunkBuffer, recycleChunk } from './chunk-pool.js';
import { CHUNK_SIZE } from './storage-driver.js';

export interface WriteCoalescer {
  /** Copies `chunk` in; waits only when a full buffer must wait for the write before it. */
  add(chunk: Uint8Array): Promise<void>;
  /** Writes what is left and waits for every write; rejects with the first write error. */
  finish(): Promise<void>;
  /** After a failure: waits until no write is in flight (errors ignored), so the file can be cut back. */
  settle(): Promise<void>;
}

/** `write` must be done with its chunk when its promise settles (the buffer is filled again after). */
export function createWriteCoalescer(write: (chunk: Uint8Array) => Promise<void>): WriteCoalescer {
  let current = borrowChunkBuffer();
  let filled = 0;
  let inFlight: { done: Promise<void>; buffer: Buffer } | undefined;

  async function waitInFlight(): Promise<void> {
    if (inFlight === undefined) return;
    const { done, buffer } = inFlight;
    await done;
    inFlight = undefined;
    recycleChunk(buffer);
  }

  async function flush(): Promise<void> {
    if (filled === 0) return;
    await waitInFlight();
    const done = write(current.subarray(0, filled));
    // awaited later (waitInFlight); until then a rejection must not count as unhandled
    done.catch(() => undefined);
    inFlight = { done, buffer: current };
    current = borrowChunkBuffer();
    filled = 0;
  }

  return {
    async add(chunk) {
      let offset = 0;
      while (offset < chunk.byteLength) {
        const take = Math.min(chunk.byteLength - offset, CHUNK_SIZE - filled);
        current.set(chunk.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === CHUNK_SIZE) await flush();
      }
    },
    async finish() {
      await flush();
      await waitInFlight();
      recycleChunk(current);
    },
    async settle() {
      const pending = inFlight?.done;
      inFlight = undefined;
      await pending?.catch(() => undefined);
    },
  };
}

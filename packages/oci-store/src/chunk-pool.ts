// Reusable 1 MiB read buffers for blob downloads. A fresh 1 MiB Buffer per chunk costs more than the
// copy into it: the allocator maps new pages for each, the kernel zeroes them, and GC unmaps them again
// (measured: about 20% of a download's CPU). A consumer that knows when it is done with a chunk (the
// HTTP layer, once the socket has taken the bytes) hands it back with `recycleChunk`; a consumer that
// does not (hashing, copying) simply keeps it, and the pool allocates anew. Bounded, so idle memory is too.
import { CHUNK_SIZE } from './storage-driver.js';

/** Free buffers kept for reuse: enough for 8 downloads reading ahead one chunk each. */
const maxFreeBuffers = 16;

const free: Buffer[] = [];
/** Buffers handed out and not yet recycled, by their memory: a chunk may be a view of part of one. */
const lent = new WeakMap<ArrayBuffer, Buffer>();

/** A CHUNK_SIZE buffer for one read; give it back with `recycleChunk` (or never, which is safe too). */
export function borrowChunkBuffer(): Buffer {
  const buffer = free.pop() ?? Buffer.allocUnsafeSlow(CHUNK_SIZE);
  lent.set(buffer.buffer as ArrayBuffer, buffer);
  return buffer;
}

/**
 * Returns the buffer behind `chunk` to the pool. Call only when nothing will read `chunk` again: the next
 * download overwrites it. Chunks that did not come from the pool, or were returned already, are ignored.
 */
export function recycleChunk(chunk: Uint8Array): void {
  const memory = chunk.buffer as ArrayBuffer;
  const buffer = lent.get(memory);
  if (buffer === undefined) return;
  lent.delete(memory);
  if (free.length < maxFreeBuffers) free.push(buffer);
}

/**
 * Takes back the memory of a buffer that was transferred to a worker thread and back (upload-hash.ts): a
 * transfer detaches the buffer on the way out, so what returns is new memory to this thread, adopted as free.
 */
export function recycleTransferredChunk(memory: ArrayBuffer): void {
  if (memory.byteLength === CHUNK_SIZE && free.length < maxFreeBuffers) free.push(Buffer.from(memory));
}

/** Free buffers now in the pool (tests). */
export function pooledChunkCount(): number {
  return free.length;
}

// A byte range of an open file as a Readable of chunks read into pooled buffers (chunk-pool.ts). It reads
// one chunk ahead of its consumer (highWaterMark = one chunk), so the disk read of chunk n+1 overlaps the
// socket write of chunk n. Closes the file at the end, on error and on destroy.
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { borrowChunkBuffer, recycleChunk } from './chunk-pool.js';
import { CHUNK_SIZE } from './storage-driver.js';

/** Reads shorter than this are copied out of the pooled buffer. */
const smallChunk = 64 * 1024;

export class FileRangeStream extends Readable {
  private position: number;
  private readonly end: number;

  /** Bytes `start`..`end` (inclusive) of `handle`; `end` -1 for an empty stream. The stream owns the handle. */
  constructor(
    private readonly handle: FileHandle,
    start: number,
    end: number,
  ) {
    super({ highWaterMark: CHUNK_SIZE });
    this.position = start;
    this.end = end;
  }

  override _read(): void {
    const remaining = this.end - this.position + 1;
    if (remaining <= 0) {
      this.push(null);
      return;
    }
    const buffer = borrowChunkBuffer();
    this.handle.read(buffer, 0, Math.min(CHUNK_SIZE, remaining), this.position).then(
      ({ bytesRead }) => {
        if (bytesRead === 0) {
          // the file is shorter than its stat said (truncated under us): end rather than spin
          this.push(null);
          return;
        }
        this.position += bytesRead;
        if (bytesRead >= smallChunk) {
          this.push(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
          return;
        }
        // a small tail (or a small file) gets its own buffer, so a consumer keeping it does not pin 1 MiB
        const copy = Buffer.from(buffer.subarray(0, bytesRead));
        recycleChunk(buffer);
        this.push(copy);
      },
      (error: unknown) => this.destroy(error as Error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.handle.close().then(
      () => callback(error),
      (closeError: unknown) => callback(error ?? (closeError as Error)),
    );
  }
}

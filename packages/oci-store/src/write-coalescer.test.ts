import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE } from './storage-driver.js';
import { createWriteCoalescer } from './write-coalescer.js';

/** A slow write that copies what it is given (the buffer is reused after) and counts overlapping calls. */
function recordingWrite(delayMs = 2) {
  const written: Buffer[] = [];
  let active = 0;
  let maxActive = 0;
  const write = async (chunk: Uint8Array): Promise<void> => {
    active += 1;
    maxActive = Math.max(maxActive, active);
    const copy = Buffer.from(chunk);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    written.push(copy);
    active -= 1;
  };
  return { write, written, maxActive: () => maxActive };
}

describe('createWriteCoalescer', () => {
  it('writes the bytes in order, in 1 MiB writes, one write in flight at a time', async () => {
    const content = randomBytes(3 * CHUNK_SIZE + 12_345);
    const sink = recordingWrite();
    const coalescer = createWriteCoalescer(sink.write);
    for (let offset = 0; offset < content.length; offset += 65_536)
      await coalescer.add(content.subarray(offset, offset + 65_536));
    await coalescer.finish();
    expect(Buffer.concat(sink.written).equals(content)).toBe(true);
    expect(sink.written.map((chunk) => chunk.length)).toEqual([CHUNK_SIZE, CHUNK_SIZE, CHUNK_SIZE, 12_345]);
    expect(sink.maxActive()).toBe(1);
  });

  it('splits a piece larger than a buffer across writes', async () => {
    const content = randomBytes(2 * CHUNK_SIZE + 1);
    const sink = recordingWrite(0);
    const coalescer = createWriteCoalescer(sink.write);
    await coalescer.add(content);
    await coalescer.finish();
    expect(Buffer.concat(sink.written).equals(content)).toBe(true);
  });

  it('rejects with the write error, and settle waits for the write in flight', async () => {
    let finishedWrites = 0;
    const coalescer = createWriteCoalescer(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      finishedWrites += 1;
      throw new Error('disk full');
    });
    await coalescer.add(Buffer.alloc(CHUNK_SIZE)); // starts the first write, does not wait for it
    await expect(coalescer.finish()).rejects.toThrow('disk full');
    const again = createWriteCoalescer(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      finishedWrites += 1;
      throw new Error('disk full');
    });
    await again.add(Buffer.alloc(CHUNK_SIZE));
    await again.settle();
    expect(finishedWrites).toBe(2);
  });
});

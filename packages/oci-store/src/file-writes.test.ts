import { describe, expect, it } from 'vitest';
import { MAX_WRITE_BYTES, type WritableHandle, writeFully } from './file-writes.js';

/** A handle that records each write's length and keeps the bytes; with `shortWrites`, takes 1000 bytes less than asked. */
function recordingHandle(options: { shortWrites?: boolean } = {}) {
  const lengths: number[] = [];
  const received: Buffer[] = [];
  const handle = {
    async write(buffer: Uint8Array, offset: number, length: number) {
      const taken = options.shortWrites === true && length > 1000 ? length - 1000 : length;
      lengths.push(length);
      received.push(Buffer.from(buffer.subarray(offset, offset + taken)));
      return { bytesWritten: taken, buffer };
    },
  } as unknown as WritableHandle;
  return { handle, lengths, written: () => Buffer.concat(received) };
}

describe('writeFully', () => {
  it('splits a 1 MiB chunk into writes of at most 256 KiB, in order', async () => {
    const chunk = Buffer.alloc(1024 * 1024 + 5);
    for (let index = 0; index < chunk.length; index++) chunk[index] = index % 251;
    const { handle, lengths, written } = recordingHandle();
    await writeFully(handle, chunk);
    expect(MAX_WRITE_BYTES).toBe(256 * 1024);
    expect(lengths).toEqual([...Array(4).fill(MAX_WRITE_BYTES), 5]);
    expect(Math.max(...lengths)).toBe(MAX_WRITE_BYTES);
    expect(lengths.at(-1)).toBe(5);
    expect(written().equals(chunk)).toBe(true);
  });

  it('writes a small chunk in one call', async () => {
    const { handle, lengths } = recordingHandle();
    await writeFully(handle, Buffer.from('{"schemaVersion":2}'));
    expect(lengths).toEqual([19]);
  });

  it('continues after short writes until every byte is written', async () => {
    const chunk = Buffer.alloc(600 * 1024, 7);
    const { handle, lengths, written } = recordingHandle({ shortWrites: true });
    await writeFully(handle, chunk);
    expect(lengths.length).toBeGreaterThan(Math.ceil(chunk.length / MAX_WRITE_BYTES));
    expect(written().equals(chunk)).toBe(true);
  });
});

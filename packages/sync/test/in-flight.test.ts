// The in-flight registry on its own: a reader that joins part-way gets every byte in order, in batches, and
// ends only once the store took the blob; a failed copy fails its readers and is no longer offered.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '@zot-ts/oci-store';
import { afterAll, describe, expect, it } from 'vitest';
import { createInFlightRegistry } from '../src/in-flight.js';

const directory = mkdtempSync(join(tmpdir(), 'zot-in-flight-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const registry = createInFlightRegistry(createStore({ rootDirectory: directory }));
const manifest = {
  digest: 'sha256:m',
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  content: Buffer.from('{}'),
};

/** A source the test feeds by hand: push chunks, then end or fail. */
function feed() {
  const queue: Array<Uint8Array | Error | null> = [];
  let wake: () => void = () => undefined;
  return {
    push(item: Uint8Array | Error | null) {
      queue.push(item);
      wake();
    },
    async *source(): AsyncGenerator<Uint8Array> {
      for (;;) {
        const item = queue.shift();
        if (item === undefined) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          continue;
        }
        if (item === null) return;
        if (item instanceof Error) throw item;
        yield item;
      }
    },
  };
}

async function drain(source: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const _ of source);
}

/** Reads what the registry offers for a blob (failing when it offers nothing). */
function open(repository: string, digest: string): AsyncIterable<Uint8Array> {
  const offered = registry.blob(repository, digest);
  if (offered === undefined) throw new Error(`${digest} not offered`);
  return offered.open();
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<{ bytes: Buffer; pieces: number }> {
  const pieces: Uint8Array[] = [];
  for await (const piece of source) pieces.push(piece);
  return { bytes: Buffer.concat(pieces), pieces: pieces.length };
}

describe('in-flight registry', () => {
  it('serves the manifest and streams a blob to a late reader, ending only once stored', async () => {
    const size = 3 * 1024 * 1024;
    const copy = registry.begin('r/a', [manifest], 'v1', new Map([['sha256:b', size]]));
    expect(registry.manifest('r/a', 'v1')).toBe(manifest);
    expect(registry.manifest('r/a', 'sha256:m')).toBe(manifest);
    const upstream = feed();
    const passing = drain(copy.through('sha256:b', upstream.source()));
    const piece = (n: number) => Buffer.alloc(64 * 1024, n);
    for (let i = 0; i < 20; i++) upstream.push(piece(i));
    const offered = registry.blob('r/a', 'sha256:b');
    expect(offered?.size).toBe(size);
    const reading = collect(open('r/a', 'sha256:b'));
    for (let i = 20; i < 48; i++) upstream.push(piece(i));
    upstream.push(null);
    await passing;
    let ended = false;
    void reading.then(() => {
      ended = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // every byte has passed, but the store has not said it took the blob: no clean end yet
    expect(ended).toBe(false);
    copy.stored('sha256:b');
    const { bytes, pieces } = await reading;
    expect(bytes.equals(Buffer.concat(Array.from({ length: 48 }, (_, i) => piece(i))))).toBe(true);
    // 48 pieces of 64 KiB go out in 1 MiB batches
    expect(pieces).toBe(3);
    copy.release();
    expect(registry.blob('r/a', 'sha256:b')).toBeUndefined();
    expect(registry.manifest('r/a', 'v1')).toBeUndefined();
  });

  it('fails its readers when the upstream fails, and offers the blob no more', async () => {
    const copy = registry.begin('r/b', [manifest], 'v1', new Map([['sha256:c', 1024 * 1024]]));
    const upstream = feed();
    const passing = drain(copy.through('sha256:c', upstream.source()));
    upstream.push(Buffer.alloc(1000));
    const reading = collect(open('r/b', 'sha256:c'));
    upstream.push(new Error('connection reset'));
    await expect(passing).rejects.toThrow('connection reset');
    await expect(reading).rejects.toThrow('connection reset');
    expect(registry.blob('r/b', 'sha256:c')).toBeUndefined();
    copy.release(new Error('copy failed'));
  });

  it('fails its readers when the copy ends without storing the blob (the store refused it)', async () => {
    const copy = registry.begin('r/c', [manifest], undefined, new Map([['sha256:d', 10]]));
    const upstream = feed();
    const passing = drain(copy.through('sha256:d', upstream.source()));
    const reading = collect(open('r/c', 'sha256:d'));
    upstream.push(Buffer.alloc(10));
    upstream.push(null);
    await passing;
    copy.release(new Error('DIGEST_INVALID'));
    await expect(reading).rejects.toThrow('DIGEST_INVALID');
  });
});

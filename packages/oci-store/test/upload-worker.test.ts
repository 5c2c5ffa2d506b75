// Blob uploads through the upload worker threads (upload-hash.ts, upload-worker-pool.ts) on a real local root:
// bytes in order across many batches, uploads and appends; a wrong digest refused; an aborted append cut back
// with its hash rolled back; a worker thread that dies fails the append at once (no hang) and the session
// carries on, re-hashed on the main thread.
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoundRepositoryStore } from '../src/repository-store.js';
import { CHUNK_SIZE } from '../src/storage-driver.js';
import type { Store } from '../src/store-types.js';
import { uploadBatchesInThreads } from '../src/upload-hash.js';
import { SMALL_UPLOAD_BYTES, uploadStateKey } from '../src/upload-store.js';
import { terminateUploadWorkers } from '../src/upload-worker-pool.js';
import { blobOf, makeTestStore, ociErrorWith, readAll } from './fixtures.js';

/** `content` in pieces of uneven sizes (1 byte to 200 KiB), as sockets hand them over. */
async function* unevenPieces(content: Buffer, seed: number): AsyncIterable<Uint8Array> {
  let offset = 0;
  let state = seed;
  while (offset < content.byteLength) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const size = 1 + (state % 200_000);
    yield content.subarray(offset, offset + size);
    offset += size;
  }
}

/** Pieces of `content`, running `midway` once after `after` bytes have been handed over. */
async function* piecesWith(
  content: Buffer,
  after: number,
  midway: () => Promise<void>,
): AsyncIterable<Uint8Array> {
  for (let offset = 0; offset < content.byteLength; offset += 65_536) {
    if (offset >= after && offset - 65_536 < after) await midway();
    yield content.subarray(offset, offset + 65_536);
  }
}

function threadOf(repository: BoundRepositoryStore, uploadSessionId: string): string | undefined {
  return repository.context.uploads.get(uploadStateKey(repository.name, uploadSessionId))?.hash.thread;
}

describe('uploads through worker threads (local disk)', () => {
  let store: Store;
  let root: string;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, root, dispose } = await makeTestStore('local', { uploadWorkers: 2 }));
  });
  afterAll(() => dispose());

  const repositoryOf = (name: string) => store.repository(name) as BoundRepositoryStore;

  it('keeps every byte in order across many batches, appends and concurrent uploads', async () => {
    const blobs = Array.from({ length: 8 }, (_, index) =>
      blobOf(randomBytes(3 * CHUNK_SIZE + 1000 * index + 7)),
    );
    const repository = repositoryOf('order/app');
    await Promise.all(
      blobs.map(async (blob, index) => {
        const { uploadSessionId } = await repository.uploads.start();
        // three PATCHes of uneven sizes: the hash state continues in the thread between requests
        const cuts = [0, 1_234_567, 2_500_001, blob.size];
        for (let part = 0; part < 3; part++) {
          const slice = blob.content.subarray(cuts[part], cuts[part + 1]);
          const status = await repository.uploads.append(
            uploadSessionId,
            unevenPieces(slice, index * 7 + part),
            {
              offset: cuts[part] as number,
            },
          );
          expect(status.offset).toBe(cuts[part + 1]);
          expect(threadOf(repository, uploadSessionId)).toBe('worker');
        }
        expect(await repository.uploads.finish(uploadSessionId, blob.digest)).toEqual({
          digest: blob.digest,
          size: blob.size,
        });
      }),
    );
    for (const blob of blobs) {
      expect((await readAll(await repository.blobs.read(blob.digest))).equals(blob.content)).toBe(true);
    }
  });

  it('keeps at most the process-wide cap of batches in the threads, and every slot comes back', async () => {
    const repository = repositoryOf('budget/app');
    const blobs = Array.from({ length: 20 }, () => blobOf(randomBytes(6 * CHUNK_SIZE + 11)));
    let most = 0;
    const watched = async function* (content: Buffer): AsyncIterable<Uint8Array> {
      for await (const piece of unevenPieces(content, content.byteLength)) {
        most = Math.max(most, uploadBatchesInThreads().used);
        yield piece;
      }
    };
    await Promise.all(
      blobs.map(async (blob, index) => {
        const { uploadSessionId } = await repository.uploads.start();
        if (index % 5 === 0) {
          // some appends fail midway: their batches must give their slots back too
          const controller = new AbortController();
          await expect(
            repository.uploads.append(
              uploadSessionId,
              piecesWith(blob.content, 3 * CHUNK_SIZE, async () => controller.abort()),
              { signal: controller.signal },
            ),
          ).rejects.toThrow();
          await repository.uploads.cancel(uploadSessionId);
          return;
        }
        await repository.uploads.append(uploadSessionId, watched(blob.content));
        expect((await repository.uploads.finish(uploadSessionId, blob.digest)).size).toBe(blob.size);
      }),
    );
    const { used, max, waiting } = uploadBatchesInThreads();
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(max);
    expect({ used, waiting }).toEqual({ used: 0, waiting: 0 });
  });

  it('refuses a wrong digest and leaves no blob', async () => {
    const repository = repositoryOf('digest/app');
    const blob = blobOf(randomBytes(2 * CHUNK_SIZE + 5));
    const wrong = blobOf(randomBytes(16)).digest;
    const { uploadSessionId } = await repository.uploads.start();
    await repository.uploads.append(uploadSessionId, unevenPieces(blob.content, 3));
    await expect(repository.uploads.finish(uploadSessionId, wrong)).rejects.toEqual(
      ociErrorWith('DIGEST_INVALID'),
    );
    await expect(repository.blobs.stat(wrong)).rejects.toEqual(ociErrorWith('BLOB_UNKNOWN'));
    await expect(repository.blobs.stat(blob.digest)).rejects.toEqual(ociErrorWith('BLOB_UNKNOWN'));
    // the session is intact: the right digest still finishes it
    expect((await repository.uploads.finish(uploadSessionId, blob.digest)).size).toBe(blob.size);
  });

  it('an append aborted midway is cut back and its bytes leave the hash', async () => {
    const repository = repositoryOf('abort/app');
    const blob = blobOf(randomBytes(5 * CHUNK_SIZE));
    const first = blob.content.subarray(0, CHUNK_SIZE + 3);
    const rest = blob.content.subarray(first.length);
    const { uploadSessionId } = await repository.uploads.start();
    await repository.uploads.append(uploadSessionId, unevenPieces(first, 1));
    const controller = new AbortController();
    // other bytes than the real rest: had they stayed in the hash, the final digest would not match
    const garbage = randomBytes(rest.length);
    await expect(
      repository.uploads.append(
        uploadSessionId,
        piecesWith(garbage, 2 * CHUNK_SIZE, async () => controller.abort()),
        { signal: controller.signal },
      ),
    ).rejects.toThrow();
    expect((await repository.uploads.status(uploadSessionId)).offset).toBe(first.length);
    expect(threadOf(repository, uploadSessionId)).toBe('worker');
    await repository.uploads.append(uploadSessionId, unevenPieces(rest, 2), { offset: first.length });
    expect((await repository.uploads.finish(uploadSessionId, blob.digest)).size).toBe(blob.size);

    // a session cancelled midway leaves neither a blob nor an upload file
    const other = blobOf(randomBytes(2 * CHUNK_SIZE));
    const cancelled = await repository.uploads.start();
    await repository.uploads.append(cancelled.uploadSessionId, unevenPieces(other.content, 4));
    await repository.uploads.cancel(cancelled.uploadSessionId);
    await expect(repository.blobs.stat(other.digest)).rejects.toEqual(ociErrorWith('BLOB_UNKNOWN'));
    expect(await readdir(join(root, 'abort/app/.uploads'))).toEqual([]);
  });

  it('a worker thread that dies fails the append at once; the session resumes on the main thread', async () => {
    const repository = repositoryOf('crash/app');
    const blob = blobOf(randomBytes(6 * CHUNK_SIZE + 99));
    const first = blob.content.subarray(0, 2 * CHUNK_SIZE);
    const rest = blob.content.subarray(first.length);
    const { uploadSessionId } = await repository.uploads.start();
    await repository.uploads.append(uploadSessionId, unevenPieces(first, 5));
    const started = Date.now();
    await expect(
      repository.uploads.append(
        uploadSessionId,
        piecesWith(rest, 2 * CHUNK_SIZE, () => terminateUploadWorkers()),
      ),
    ).rejects.toThrow(/upload worker thread exited/);
    expect(Date.now() - started).toBeLessThan(10_000);
    // cut back to what the last good append left, and nothing visible
    expect((await repository.uploads.status(uploadSessionId)).offset).toBe(first.length);
    await expect(repository.blobs.stat(blob.digest)).rejects.toEqual(ociErrorWith('BLOB_UNKNOWN'));
    // the hash was in the dead thread: the next append re-hashes the file here and carries on
    await repository.uploads.append(uploadSessionId, unevenPieces(rest, 6), { offset: first.length });
    expect(threadOf(repository, uploadSessionId)).toBe('main');
    expect((await repository.uploads.finish(uploadSessionId, blob.digest)).size).toBe(blob.size);
    expect((await readAll(await repository.blobs.read(blob.digest))).equals(blob.content)).toBe(true);

    // new sessions get a new thread
    const next = blobOf(randomBytes(CHUNK_SIZE + 1));
    const again = await repository.uploads.start();
    await repository.uploads.append(again.uploadSessionId, unevenPieces(next.content, 8));
    expect(threadOf(repository, again.uploadSessionId)).toBe('worker');
    expect((await repository.uploads.finish(again.uploadSessionId, next.digest)).size).toBe(next.size);
  });

  it('a finish whose worker thread died meanwhile re-hashes the file', async () => {
    const repository = repositoryOf('crash/finish');
    const blob = blobOf(randomBytes(CHUNK_SIZE * 2 + 1));
    const { uploadSessionId } = await repository.uploads.start();
    await repository.uploads.append(uploadSessionId, unevenPieces(blob.content, 9));
    await terminateUploadWorkers();
    expect((await repository.uploads.finish(uploadSessionId, blob.digest)).size).toBe(blob.size);
  });

  it('a small blob sent whole in one request hashes on the main thread, a larger one in a thread', async () => {
    const repository = repositoryOf('small/app');
    for (const [size, thread] of [
      [SMALL_UPLOAD_BYTES, 'main'],
      [SMALL_UPLOAD_BYTES + 1, 'worker'],
    ] as const) {
      const blob = blobOf(randomBytes(size));
      const { uploadSessionId } = await repository.uploads.start();
      await repository.uploads.append(uploadSessionId, unevenPieces(blob.content, 11), {
        expectedLength: blob.size,
      });
      expect(threadOf(repository, uploadSessionId)).toBe(thread);
      expect((await repository.uploads.finish(uploadSessionId, blob.digest)).size).toBe(blob.size);
    }
  });

  it('uploads hash on the main thread when the store has no worker threads', async () => {
    const plain = await makeTestStore('local', { uploadWorkers: 0 });
    try {
      const repository = plain.store.repository('plain/app') as BoundRepositoryStore;
      const blob = blobOf(randomBytes(CHUNK_SIZE + 5));
      const { uploadSessionId } = await repository.uploads.start();
      await repository.uploads.append(uploadSessionId, unevenPieces(blob.content, 10));
      expect(threadOf(repository, uploadSessionId)).toBe('main');
      expect((await repository.uploads.finish(uploadSessionId, blob.digest)).size).toBe(blob.size);
    } finally {
      await plain.dispose();
    }
  });
});

import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store, StoreEvent } from '../src/store-types.js';
import { blobOf, chunksOf, makeTestStore, ociErrorWith, readAll, storeKinds } from './fixtures.js';

describe.each(storeKinds)('uploads and blobs (%s)', (kind) => {
  let store: Store;
  let dispose: () => Promise<void>;
  const events: StoreEvent[] = [];
  beforeEach(async () => {
    ({ store, dispose } = await makeTestStore(kind));
    events.length = 0;
    store.subscribe((event) => events.push(event));
  });
  afterEach(() => dispose());

  it('UploadStore > chunked upload > appends in order, finishes, and the blob reads back', async () => {
    const repo = store.repository('team/app');
    const blob = blobOf(Buffer.alloc(3 * 1024 * 1024 + 17, 'z'));
    const { uploadSessionId } = await repo.uploads.start();
    const first = blob.content.subarray(0, 1_000_000);
    const rest = blob.content.subarray(1_000_000);
    expect((await repo.uploads.append(uploadSessionId, chunksOf(first), { offset: 0 })).offset).toBe(
      first.length,
    );
    await repo.uploads.append(uploadSessionId, Readable.from([rest]), {
      offset: first.length,
      expectedLength: rest.length,
    });
    expect((await repo.uploads.status(uploadSessionId)).offset).toBe(blob.size);
    expect(await repo.uploads.finish(uploadSessionId, blob.digest)).toEqual({
      digest: blob.digest,
      size: blob.size,
    });
    expect((await readAll(await repo.blobs.read(blob.digest))).equals(blob.content)).toBe(true);
    await expect(repo.uploads.status(uploadSessionId)).rejects.toEqual(ociErrorWith('BLOB_UPLOAD_UNKNOWN'));
    // the first upload into a new repository creates it (zot emits repository.created there too)
    expect(events.map((event) => event.type)).toEqual([
      'repositoryCreated',
      'uploadStarted',
      'uploadFinished',
      'blobWritten',
    ]);
  });

  it('UploadStore > append > refuses a chunk out of order with RANGE_INVALID and keeps the upload intact', async () => {
    const repo = store.repository('app');
    const { uploadSessionId } = await repo.uploads.start();
    await repo.uploads.append(uploadSessionId, chunksOf(Buffer.from('abc')));
    await expect(
      repo.uploads.append(uploadSessionId, chunksOf(Buffer.from('x')), { offset: 1 }),
    ).rejects.toEqual(ociErrorWith('RANGE_INVALID'));
    expect((await repo.uploads.status(uploadSessionId)).offset).toBe(3);
  });

  it('UploadStore > append > a length mismatch is SIZE_INVALID and the bytes are cut back off', async () => {
    const repo = store.repository('app');
    const blob = blobOf('hello world');
    const { uploadSessionId } = await repo.uploads.start();
    await repo.uploads.append(uploadSessionId, chunksOf(Buffer.from('hello ')));
    await expect(
      repo.uploads.append(uploadSessionId, chunksOf(Buffer.from('worl')), { expectedLength: 5 }),
    ).rejects.toEqual(ociErrorWith('SIZE_INVALID'));
    expect((await repo.uploads.status(uploadSessionId)).offset).toBe(6);
    await repo.uploads.append(uploadSessionId, chunksOf(Buffer.from('world')), { offset: 6 });
    expect((await repo.uploads.finish(uploadSessionId, blob.digest)).size).toBe(11);
  });

  it('UploadStore > finish > rejects a digest mismatch with DIGEST_INVALID and stores nothing', async () => {
    const repo = store.repository('app');
    const { uploadSessionId } = await repo.uploads.start();
    await repo.uploads.append(uploadSessionId, chunksOf(Buffer.from('abc')));
    const wrong = blobOf('abd').digest;
    await expect(repo.uploads.finish(uploadSessionId, wrong)).rejects.toEqual(ociErrorWith('DIGEST_INVALID'));
    await expect(repo.blobs.stat(wrong)).rejects.toEqual(ociErrorWith('BLOB_UNKNOWN'));
    await expect(repo.uploads.finish(uploadSessionId, 'sha256:nope')).rejects.toEqual(
      ociErrorWith('DIGEST_INVALID'),
    );
    expect((await repo.uploads.status(uploadSessionId)).offset).toBe(3);
  });

  it('UploadStore > finish > accepts a sha512 digest', async () => {
    const repo = store.repository('app');
    const blob = blobOf('sha512 content');
    const { createHash } = await import('node:crypto');
    const digest = `sha512:${createHash('sha512').update(blob.content).digest('hex')}`;
    expect((await repo.uploads.putBlob(chunksOf(blob.content), digest)).size).toBe(blob.size);
    expect((await repo.blobs.stat(digest)).size).toBe(blob.size);
  });

  it('UploadStore > unknown or malicious session ids are BLOB_UPLOAD_UNKNOWN', async () => {
    const repo = store.repository('app');
    for (const id of ['nope', '../../etc', 'a/b', '']) {
      await expect(repo.uploads.status(id)).rejects.toEqual(ociErrorWith('BLOB_UPLOAD_UNKNOWN'));
    }
  });

  it('UploadStore > cancel > removes the session', async () => {
    const repo = store.repository('app');
    const { uploadSessionId } = await repo.uploads.start();
    await repo.uploads.cancel(uploadSessionId);
    await expect(repo.uploads.append(uploadSessionId, chunksOf(Buffer.from('x')))).rejects.toEqual(
      ociErrorWith('BLOB_UPLOAD_UNKNOWN'),
    );
  });

  it('BlobStore > read > serves an inclusive range and refuses one past the end with RANGE_INVALID', async () => {
    const repo = store.repository('app');
    const blob = blobOf('0123456789');
    await repo.uploads.putBlob(chunksOf(blob.content), blob.digest);
    expect((await readAll(await repo.blobs.read(blob.digest, { start: 2, end: 4 }))).toString()).toBe('234');
    await expect(repo.blobs.read(blob.digest, { start: 5, end: 10 })).rejects.toEqual(
      ociErrorWith('RANGE_INVALID'),
    );
    await expect(repo.blobs.read(blobOf('other').digest)).rejects.toEqual(ociErrorWith('BLOB_UNKNOWN'));
  });

  it('BlobStore > empty blobs can be stored and read', async () => {
    const repo = store.repository('app');
    const empty = blobOf('');
    await repo.uploads.putBlob(chunksOf(empty.content), empty.digest);
    expect((await readAll(await repo.blobs.read(empty.digest))).length).toBe(0);
  });

  it('BlobStore > mount > makes a blob of another repository available, false when absent', async () => {
    const source = store.repository('source');
    const target = store.repository('target/nested');
    const blob = blobOf('shared layer');
    await source.uploads.putBlob(chunksOf(blob.content), blob.digest);
    expect(await target.blobs.mount(blob.digest, 'source')).toBe(true);
    expect((await readAll(await target.blobs.read(blob.digest))).toString()).toBe('shared layer');
    expect(await target.blobs.mount(blobOf('absent').digest, 'source')).toBe(false);
    await expect(target.blobs.mount(blob.digest, '../source')).rejects.toEqual(ociErrorWith('NAME_INVALID'));
  });

  it('BlobStore > delete > removes an unreferenced blob, BLOB_UNKNOWN after', async () => {
    const repo = store.repository('app');
    const blob = blobOf('to delete');
    await repo.uploads.putBlob(chunksOf(blob.content), blob.digest);
    await repo.blobs.delete(blob.digest);
    await expect(repo.blobs.delete(blob.digest)).rejects.toEqual(ociErrorWith('BLOB_UNKNOWN'));
    expect(events.at(-1)).toEqual({ type: 'blobDeleted', repository: 'app', digest: blob.digest });
  });

  it('concurrent uploads of the same blob to one and several repositories all succeed', async () => {
    const blob = blobOf(Buffer.alloc(2 * 1024 * 1024, 'q'));
    const names = ['a', 'a', 'b', 'c', 'c', 'd/e'];
    const results = await Promise.all(
      names.map((name) => store.repository(name).uploads.putBlob(chunksOf(blob.content), blob.digest)),
    );
    expect(results.every((result) => result.size === blob.size)).toBe(true);
    for (const name of new Set(names))
      expect((await store.repository(name).blobs.stat(blob.digest)).size).toBe(blob.size);
    const written = events.filter((event) => event.type === 'blobWritten');
    expect(written.filter((event) => event.type === 'blobWritten' && !event.deduped)).toHaveLength(1);
  });

  it('an observer that throws never breaks a write', async () => {
    store.subscribe(() => {
      throw new Error('observer bug');
    });
    const blob = blobOf('still fine');
    await expect(
      store.repository('app').uploads.putBlob(chunksOf(blob.content), blob.digest),
    ).resolves.toBeDefined();
  });
});

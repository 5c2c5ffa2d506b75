// Blob uploads (distribution-spec, "Pushing blobs"): a session is a file under .uploads/, appended in
// place while an incremental sha256 runs in memory (on the local disk in an upload worker thread, which also
// writes the bytes: upload-hash.ts). After a restart, or when that thread died, the state is rebuilt by
// re-hashing the partial file once, so uploads resume. A failed chunk is cut back off: nothing on disk changes.
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { hashFile, placeBlob } from './blob-placement.js';
import { parseDigest } from './digest.js';
import { OciError } from './errors.js';
import type { EventHub } from './events.js';
import { isUploadSessionId, layout } from './layout.js';
import { initRepository, type StoreContext, type UploadState } from './store-context.js';
import type { BlobInfo, Digest, UploadStatus, UploadStore } from './store-types.js';
import { inThreadUploadHash, type UploadHash, workerUploadHash } from './upload-hash.js';
import { UploadWorkerLostError } from './upload-worker-pool.js';

type Body = AsyncIterable<Uint8Array> | Readable;

/**
 * A session whose first request brings all of it (Content-Length) up to this size hashes on the main thread: for
 * 1 MiB layers the worker thread's round trips (batch, digest) made pushes up to 25% slower and dearer in CPU
 * (docs/performance.md, "Fourth round"), while 100 MiB layers gained from it. Such sessions start no thread.
 */
export const SMALL_UPLOAD_BYTES = 4 * 1024 * 1024;

/** The lock every step of one upload session holds; GC takes it too before removing an abandoned one. */
export function uploadSessionLockKey(repository: string, uploadSessionId: string): string {
  return `upload:${repository}/${uploadSessionId}`;
}

/** The key of a session's in-memory hash state in `context.uploads`. */
export function uploadStateKey(repository: string, uploadSessionId: string): string {
  return `${repository}/${uploadSessionId}`;
}

/** Drops a session's hash state (finished, cancelled, swept), in its worker thread too. */
export function forgetUploadState(context: StoreContext, repository: string, uploadSessionId: string): void {
  const key = uploadStateKey(repository, uploadSessionId);
  context.uploads.get(key)?.hash.release();
  context.uploads.delete(key);
}

export function createUploadStore(
  context: StoreContext,
  repository: string,
  events: EventHub = context.events,
): UploadStore {
  const { driver } = context;
  const stateKey = (uploadSessionId: string): string => uploadStateKey(repository, uploadSessionId);

  function unknown(uploadSessionId: string): OciError {
    return new OciError('BLOB_UPLOAD_UNKNOWN', {
      detail: { uploadSessionId: uploadSessionId.slice(0, 100) },
    });
  }

  /** The session's path and current size; BLOB_UPLOAD_UNKNOWN for a bad id or a missing session. */
  async function locate(uploadSessionId: string): Promise<{ path: string; size: number; modifiedAt: Date }> {
    if (!isUploadSessionId(uploadSessionId)) throw unknown(uploadSessionId);
    const path = layout.uploadPath(repository, uploadSessionId);
    const info = await driver.stat(path);
    if (!info || info.isDirectory) throw unknown(uploadSessionId);
    return { path, size: info.size, modifiedAt: info.modifiedAt };
  }

  /** The hash state matching the file on disk; re-hashes once when it was lost (restart) or is stale. */
  async function stateOf(
    uploadSessionId: string,
    path: string,
    size: number,
    modifiedAt: Date,
  ): Promise<UploadState> {
    const known = context.uploads.get(stateKey(uploadSessionId));
    if (known && known.size === size && known.hash.usable) return known;
    known?.hash.release();
    const hash = createHash('sha256');
    for await (const chunk of await driver.reader(path)) hash.update(chunk as Buffer);
    // the rest of this session hashes on this thread (rare: a restart, a dead worker, another process's session)
    const rebuilt: UploadState = {
      hash: inThreadUploadHash(hash),
      size,
      startedAt: known?.startedAt ?? modifiedAt,
    };
    context.uploads.set(stateKey(uploadSessionId), rebuilt);
    return rebuilt;
  }

  /** The session's sha256; a worker thread that dies meanwhile costs one re-hash of the file here. */
  async function sessionDigest(
    uploadSessionId: string,
    path: string,
    size: number,
    modifiedAt: Date,
  ): Promise<string> {
    try {
      return await (await stateOf(uploadSessionId, path, size, modifiedAt)).hash.digest();
    } catch (error) {
      if (!(error instanceof UploadWorkerLostError)) throw error;
      return (await stateOf(uploadSessionId, path, size, modifiedAt)).hash.digest();
    }
  }

  /**
   * An upload thread when the driver hands out descriptors (local disk) and threads are configured, unless the
   * first request brings the whole blob and it is small. `empty` must be an empty hash (it is replaced).
   */
  function hashFor(
    empty: UploadHash,
    fd: number | undefined,
    expectedLength: number | undefined,
  ): UploadHash {
    const small = expectedLength !== undefined && expectedLength <= SMALL_UPLOAD_BYTES;
    const threads = context.uploadWorkers;
    const wanted = fd !== undefined && threads !== undefined && !small ? 'worker' : 'main';
    if (empty.thread === wanted) return empty;
    empty.release();
    return wanted === 'worker' && threads !== undefined
      ? workerUploadHash(threads.assign())
      : inThreadUploadHash();
  }

  const withSession = <T>(uploadSessionId: string, work: () => Promise<T>): Promise<T> =>
    context.locks.withKeyLock(uploadSessionLockKey(repository, uploadSessionId), work);

  async function start(): Promise<UploadStatus> {
    await initRepository(context, repository, events);
    const uploadSessionId = randomUUID();
    const writer = await driver.writer(layout.uploadPath(repository, uploadSessionId));
    await writer.commit();
    const startedAt = new Date();
    // where the bytes are hashed is decided by the first append (hashFor), when their size may be known
    context.uploads.set(stateKey(uploadSessionId), { hash: inThreadUploadHash(), size: 0, startedAt });
    events.emit({ type: 'uploadStarted', repository, uploadSessionId });
    return { uploadSessionId, offset: 0, startedAt };
  }

  async function append(
    uploadSessionId: string,
    body: Body,
    options: { offset?: number; expectedLength?: number; signal?: AbortSignal } = {},
  ): Promise<UploadStatus> {
    return withSession(uploadSessionId, async () => {
      const { path, size, modifiedAt } = await locate(uploadSessionId);
      // distribution-spec: a chunk out of order MUST get 416 (Range Not Satisfiable)
      if (options.offset !== undefined && options.offset !== size) {
        throw new OciError('RANGE_INVALID', { detail: { offset: options.offset, expected: size } });
      }
      const state = await stateOf(uploadSessionId, path, size, modifiedAt);
      // `size` was read just now under the session lock: the driver need not stat the file again
      const writer = await driver.writer(path, { append: true, size });
      // nothing hashed yet: the empty hash may move to where this session's bytes are best hashed
      if (state.size === 0) state.hash = hashFor(state.hash, writer.fd, options.expectedLength);
      const appender = state.hash.appender(writer);
      let received = 0;
      try {
        for await (const piece of body) {
          options.signal?.throwIfAborted();
          const chunk =
            typeof piece === 'string'
              ? Buffer.from(piece)
              : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
          received += chunk.byteLength;
          if (options.expectedLength !== undefined && received > options.expectedLength) {
            throw new OciError('SIZE_INVALID', {
              detail: { expectedLength: options.expectedLength, received },
            });
          }
          await appender.add(chunk);
        }
        await appender.finish();
        options.signal?.throwIfAborted();
        if (options.expectedLength !== undefined && received !== options.expectedLength) {
          throw new OciError('SIZE_INVALID', {
            detail: { expectedLength: options.expectedLength, received },
          });
        }
        await writer.commit();
      } catch (error) {
        // a write still in flight would land after the cut: let it finish first (the hash rolls back too)
        await appender.abort();
        await writer.cancel();
        throw error;
      }
      state.size = size + received;
      return { uploadSessionId, offset: state.size, startedAt: state.startedAt };
    });
  }

  async function status(uploadSessionId: string): Promise<UploadStatus> {
    const { size, modifiedAt } = await locate(uploadSessionId);
    const startedAt = context.uploads.get(stateKey(uploadSessionId))?.startedAt ?? modifiedAt;
    return { uploadSessionId, offset: size, startedAt };
  }

  async function finish(uploadSessionId: string, digest: Digest): Promise<BlobInfo> {
    const { algorithm, hex } = parseDigest(digest);
    const info = await withSession(uploadSessionId, async () => {
      const { path, size, modifiedAt } = await locate(uploadSessionId);
      const actualHex =
        algorithm === 'sha256'
          ? await sessionDigest(uploadSessionId, path, size, modifiedAt)
          : await hashFile(context, path, algorithm);
      if (actualHex !== hex) {
        throw new OciError('DIGEST_INVALID', {
          detail: { digest, actual: `${algorithm}:${actualHex}`, size },
        });
      }
      const { deduped } = await placeBlob(context, repository, path, digest);
      forgetUploadState(context, repository, uploadSessionId);
      return { size, deduped };
    });
    events.emit({ type: 'uploadFinished', repository, uploadSessionId, digest, size: info.size });
    events.emit({ type: 'blobWritten', repository, digest, size: info.size, deduped: info.deduped });
    return { digest, size: info.size };
  }

  async function cancel(uploadSessionId: string): Promise<void> {
    await withSession(uploadSessionId, async () => {
      const { path } = await locate(uploadSessionId);
      await driver.delete(path);
      forgetUploadState(context, repository, uploadSessionId);
    });
    events.emit({ type: 'uploadCancelled', repository, uploadSessionId });
  }

  async function putBlob(
    body: Body,
    digest: Digest,
    options: { expectedLength?: number; signal?: AbortSignal } = {},
  ): Promise<BlobInfo> {
    parseDigest(digest);
    const { uploadSessionId } = await start();
    try {
      await append(uploadSessionId, body, options);
      return await finish(uploadSessionId, digest);
    } catch (error) {
      await cancel(uploadSessionId).catch(() => undefined);
      throw error;
    }
  }

  return { start, append, status, finish, cancel, putBlob };
}

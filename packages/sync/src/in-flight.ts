// Images an on-demand pull is still copying, served while they arrive: the first pull of a large image would
// otherwise wait for the whole copy into the store (upstream -> disk) before its own download (disk -> client)
// starts, about twice a direct pull. Once a copy knows which blobs it must fetch, its manifests are answered
// from memory and its blobs are streamed to readers as the upstream sends them: the bytes the store receives
// are kept in memory until the blob is stored (within a budget; past it a reader waits for the store). A
// reader ends only once the store took the blob (it hashes what it writes and refuses a wrong digest), and
// fails when the copy fails, so a client never gets a clean end of wrong bytes.
import type { Readable } from 'node:stream';
import { borrowChunkBuffer, type Store } from '@zot-ts/oci-store';

/** A manifest served from memory; byte for byte what the copy stores under `digest`. */
export interface ManifestInFlight {
  digest: string;
  mediaType: string;
  content: Buffer;
}

/** A blob the store does not hold yet: its size, and its bytes as they arrive. */
export interface BlobInFlight {
  size: number;
  open(): AsyncIterable<Uint8Array>;
}

/**
 * Blobs kept in memory while being copied, all copies together; past it a reader waits for the store. Small on
 * purpose: a registry at the edge must not grow by gigabytes because a few large images are pulled at once,
 * and streaming saves only about 10% of a first pull (docs/sync.md, Figures).
 */
const RETAINED_BUDGET_BYTES = 128 * 1024 * 1024;
const READ_BATCH_BYTES = 1024 * 1024;

/** Where one reader of a blob in flight is: the next chunk it reads (absolute index), and how far into it. */
interface Cursor {
  at: number;
  offset: number;
}

interface BlobEntry {
  size: number;
  retained: boolean;
  /** The chunks not yet read by every reader; `chunks[0]` is chunk number `base` of the blob. */
  chunks: Uint8Array[];
  base: number;
  cursors: Set<Cursor>;
  ended: boolean;
  error?: Error;
  /** Settles once the store holds the blob (or the copy failed). */
  stored: Promise<void>;
  settle(error?: Error): void;
  wake: Set<() => void>;
}

export interface InFlightCopy {
  /** Wraps the upstream body of `digest` on its way to the store: readers see each chunk as it passes. */
  through(digest: string, source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array>;
  /** The store holds `digest`: new readers go to the store. */
  stored(digest: string): void;
  /** The copy ended (stored or failed): its manifests and any blob not stored leave the registry. */
  release(error?: Error): void;
}

export interface InFlightRegistry {
  /** Registers a copy's manifests (by digest, and the tag) and missing blobs, before any blob is fetched. */
  begin(
    repository: string,
    manifests: ManifestInFlight[],
    tag: string | undefined,
    blobs: Map<string, number>,
  ): InFlightCopy;
  manifest(repository: string, reference: string): ManifestInFlight | undefined;
  blob(repository: string, digest: string): BlobInFlight | undefined;
}

export function createInFlightRegistry(store: Store): InFlightRegistry {
  const blobs = new Map<string, BlobEntry>();
  const manifests = new Map<string, ManifestInFlight>();
  let retainedBytes = 0;
  const key = (repository: string, reference: string) => `${repository}@${reference}`;

  function newEntry(size: number): BlobEntry {
    const retained = retainedBytes + size <= RETAINED_BUDGET_BYTES;
    if (retained) retainedBytes += size;
    let settle: (error?: Error) => void = () => undefined;
    const stored = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    // a failure nobody reads is not an unhandled rejection
    stored.catch(() => undefined);
    return {
      size,
      retained,
      chunks: [],
      base: 0,
      cursors: new Set(),
      ended: false,
      stored,
      settle,
      wake: new Set(),
    };
  }

  /** No new reader can use the chunks any more: they go, and the budget they held comes back. */
  function unretain(entry: BlobEntry): void {
    if (entry.retained) retainedBytes -= entry.size;
    entry.retained = false;
  }

  /**
   * Drops the chunks every reader has passed. Kept whole, a 100 MiB blob's 1600 socket chunks lived until the
   * copy ended and cost the mirror more garbage collection than any other work of the pull (a profile: 126 ms
   * of 0.8 s); dropped as they are read, they die young. A reader that comes after the first drop waits for
   * the store, as one does when the budget is spent.
   */
  function trim(entry: BlobEntry): void {
    if (entry.cursors.size === 0) return;
    let least = Number.POSITIVE_INFINITY;
    for (const cursor of entry.cursors) least = Math.min(least, cursor.at);
    if (least > entry.base) {
      entry.chunks.splice(0, least - entry.base);
      entry.base = least;
    }
  }

  const wakeAll = (entry: BlobEntry) => {
    for (const wake of entry.wake) wake();
    entry.wake.clear();
  };

  /**
   * The chunks as they come, handed on in batches of READ_BATCH_BYTES: the socket gives 64 KiB pieces, and one
   * response write per piece costs more (a syscall and a wake-up of the client each) than the copy that joins
   * them (measured: a third of the mirror's CPU went to writes of 64 KiB). The batches are the store's pooled
   * 1 MiB buffers, which the HTTP layer gives back once the socket took them: a fresh 1 MiB buffer per batch
   * is fresh memory the kernel must map and zero each time.
   */
  async function* readRetained(
    entry: BlobEntry,
    repository: string,
    digest: string,
  ): AsyncGenerator<Uint8Array> {
    // a generator starts at its first read: another reader may have dropped the first chunks since `open`
    if (entry.base > 0) {
      yield* readStored(entry, repository, digest);
      return;
    }
    const cursor: Cursor = { at: 0, offset: 0 };
    entry.cursors.add(cursor);
    try {
      for (;;) {
        if (entry.error !== undefined) throw entry.error;
        let available = -cursor.offset;
        for (let index = cursor.at - entry.base; index < entry.chunks.length; index++) {
          available += entry.chunks[index]?.byteLength ?? 0;
          if (available >= READ_BATCH_BYTES) break;
        }
        if (available >= READ_BATCH_BYTES || (available > 0 && entry.ended)) {
          const batch = borrowChunkBuffer();
          const length = Math.min(available, batch.byteLength);
          let filled = 0;
          while (filled < length) {
            const chunk = entry.chunks[cursor.at - entry.base] as Uint8Array;
            const take = Math.min(chunk.byteLength - cursor.offset, length - filled);
            batch.set(chunk.subarray(cursor.offset, cursor.offset + take), filled);
            filled += take;
            cursor.offset += take;
            if (cursor.offset === chunk.byteLength) {
              cursor.at += 1;
              cursor.offset = 0;
            }
          }
          trim(entry);
          yield filled === batch.byteLength ? batch : batch.subarray(0, filled);
          continue;
        }
        if (entry.ended) return;
        await new Promise<void>((resolve) => entry.wake.add(resolve));
      }
    } finally {
      entry.cursors.delete(cursor);
      if (entry.cursors.size === 0 && entry.base > 0) {
        entry.chunks = [];
        unretain(entry);
      }
    }
  }

  async function* readStored(
    entry: BlobEntry,
    repository: string,
    digest: string,
  ): AsyncGenerator<Uint8Array> {
    await entry.stored;
    const stream: Readable = await store.repository(repository).blobs.read(digest);
    for await (const chunk of stream) yield chunk as Uint8Array;
  }

  return {
    begin(repository, planned, tag, missing) {
      const own = new Map<string, BlobEntry>();
      for (const [digest, size] of missing) {
        // another copy already brings this blob: its readers are served by that one
        if (blobs.has(key(repository, digest))) continue;
        const entry = newEntry(size);
        own.set(digest, entry);
        blobs.set(key(repository, digest), entry);
      }
      const served: Array<[string, ManifestInFlight]> = planned.map((m) => [key(repository, m.digest), m]);
      const top = planned[planned.length - 1];
      if (tag !== undefined && top !== undefined) served.push([key(repository, tag), top]);
      for (const [k, manifest] of served) manifests.set(k, manifest);
      const forget = (digest: string, entry: BlobEntry) => {
        if (blobs.get(key(repository, digest)) === entry) blobs.delete(key(repository, digest));
        // readers still going keep their own reference to the chunks; new ones read the store
        unretain(entry);
        own.delete(digest);
      };
      return {
        async *through(digest, source) {
          const entry = own.get(digest);
          if (entry === undefined) {
            yield* source;
            return;
          }
          try {
            for await (const chunk of source) {
              // the socket's own buffers, never reused by Node: kept as they are, not copied
              if (entry.retained) entry.chunks.push(chunk);
              wakeAll(entry);
              yield chunk;
            }
          } catch (error) {
            // the upstream failed: readers fail now (a failure of the store itself comes through release)
            entry.error = error as Error;
            wakeAll(entry);
            throw error;
          }
        },
        stored(digest) {
          const entry = own.get(digest);
          if (entry === undefined) return;
          entry.ended = true;
          wakeAll(entry);
          entry.settle();
          forget(digest, entry);
        },
        release(error) {
          for (const [digest, entry] of [...own]) {
            entry.error ??= error ?? new Error('image copy ended before the blob was stored');
            wakeAll(entry);
            entry.settle(entry.error);
            forget(digest, entry);
          }
          // another copy of the same content may have registered the key since: that one stays
          for (const [k, manifest] of served) if (manifests.get(k) === manifest) manifests.delete(k);
        },
      };
    },
    manifest: (repository, reference) => manifests.get(key(repository, reference)),
    blob(repository, digest) {
      const entry = blobs.get(key(repository, digest));
      // a copy that failed is not served, even before it is released
      if (entry === undefined || entry.error !== undefined) return undefined;
      return {
        size: entry.size,
        // from the first chunk, while no chunk was dropped yet; otherwise from the store once it has the blob
        open: () =>
          entry.base === 0 && (entry.retained || entry.chunks.length > 0)
            ? readRetained(entry, repository, digest)
            : readStored(entry, repository, digest),
      };
    },
  };
}

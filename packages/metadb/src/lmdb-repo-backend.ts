// The RepoMetaBackend of packages/metastore over LMDB: the repository/image logic is metastore's, written once;
// here each write runs in one LMDB write transaction (serialized across processes by LMDB's lock), so a
// repository's record and the image records it points at always change together.
import type { ImageMeta, RepoMeta, RepoMetaBackend, RepoMetaTx, UserPrefsRecord } from '@zot-ts/metastore';
import { asBinary } from 'lmdb';
import { writeTx } from './lmdb-collections.js';
import type { MetaEnv } from './lmdb-env.js';

/** Bytes of repository records kept decoded between write transactions (see `createRecordReuse`). */
const maxReusedBytes = 8 * 1024 * 1024;

/**
 * msgpackr's encode flags, as lmdb-js passes them for its own puts (lmdb write.js): encode into the encoder's one
 * buffer from its start. Without them each record of a few hundred KiB got a fresh buffer, which cost more than
 * the decoding this saves. The result is copied before the next encode.
 */
const REUSE_BUFFER_MODE = 512;
const RESET_BUFFER_MODE = 1024;

interface Codec {
  encode(value: unknown, flags?: number): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

/**
 * A push reads its repository's record, changes a tag and puts it back: a record holds every tag, so decoding
 * it again on each push cost O(tags) (a profile of 2048 pushes into one repository spent 13% of the server's
 * time in msgpack decoding). The record a write transaction put is kept decoded, with the bytes it was encoded
 * to; the next write that finds exactly those bytes stored takes the object instead of decoding them. Bytes
 * that differ (another process wrote, the transaction was rolled back) are decoded as before. An object is
 * handed out once and leaves the cache, so a caller that changes it and then throws cannot leave a changed
 * object behind under unchanged bytes.
 */
function createRecordReuse(codec: Codec) {
  const kept = new Map<string, { bytes: Buffer; meta: RepoMeta }>();
  let keptBytes = 0;
  const forget = (name: string) => {
    const entry = kept.get(name);
    if (entry === undefined) return;
    kept.delete(name);
    keptBytes -= entry.bytes.byteLength;
  };
  return {
    take(name: string, stored: Uint8Array | undefined): RepoMeta | undefined {
      if (stored === undefined) {
        forget(name);
        return undefined;
      }
      const entry = kept.get(name);
      forget(name);
      if (entry?.bytes.equals(stored)) return entry.meta;
      return codec.decode(stored) as RepoMeta;
    },
    /** Encodes `meta` for a put and keeps it decoded under those bytes; the caller must not change it after. */
    encode(meta: RepoMeta): Buffer {
      // a copy: the encoder may reuse its buffer for the next record
      const bytes = Buffer.from(codec.encode(meta));
      forget(meta.name);
      if (bytes.byteLength <= maxReusedBytes) {
        kept.set(meta.name, { bytes, meta });
        keptBytes += bytes.byteLength;
        for (const oldest of kept.keys()) {
          if (keptBytes <= maxReusedBytes) break;
          forget(oldest);
        }
      }
      return bytes;
    },
    forget,
  };
}

export function createLmdbRepoMetaBackend(env: MetaEnv): RepoMetaBackend {
  const { repos, images, userPrefs } = env.db;
  const reuse = createRecordReuse({
    encode: (value) => {
      const encoder = (repos as unknown as { encoder: Codec }).encoder;
      // in this mode msgpackr answers its whole buffer with the record's start and end on it
      const out = encoder.encode(value, REUSE_BUFFER_MODE | RESET_BUFFER_MODE) as Uint8Array & {
        start?: number;
        end?: number;
      };
      return out.start === undefined ? out : out.subarray(out.start, out.end);
    },
    decode: (bytes) => (repos as unknown as { decoder: Codec }).decoder.decode(bytes),
  });
  // Values decoded from LMDB are fresh objects on every get, so callers may mutate them freely.
  const readTx: RepoMetaTx = {
    getRepo: (name) => repos.get(name) as RepoMeta | undefined,
    putRepo: (meta) => void repos.put(meta.name, meta),
    deleteRepo: (name) => void repos.remove(name),
    repoNames: () => [...repos.getKeys()] as string[],
    allRepos: () => [...repos.getRange()].map(({ value }) => value as RepoMeta),
    getImage: (digest) => images.get(digest) as ImageMeta | undefined,
    putImage: (image) => void images.put(image.digest, image),
    getUserPrefs: (username) => userPrefs.get(username) as UserPrefsRecord | undefined,
    putUserPrefs: (record) => void userPrefs.put(record.username, record),
  };
  const writeTxView: RepoMetaTx = {
    ...readTx,
    getRepo: (name) => reuse.take(name, repos.getBinary(name) as Buffer | undefined),
    putRepo: (meta) => void repos.put(meta.name, asBinary(reuse.encode(meta))),
    deleteRepo: (name) => {
      reuse.forget(name);
      void repos.remove(name);
    },
  };
  return {
    write: (fn) => writeTx(env, () => fn(writeTxView)),
    // Reads see the last commit; lmdb-js keeps one read snapshot for a synchronous run of gets.
    read: async (fn) => fn(readTx),
    // LMDB's last committed transaction id: moves with every commit of any process sharing the file (about 30 µs)
    changeMarker: () => (env.root.getStats() as { lastTxnId: number }).lastTxnId,
  };
}

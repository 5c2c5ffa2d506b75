// The RepoMetaBackend of packages/metastore over LMDB: the repository/image logic is metastore's, written once;
// here each write runs in one LMDB write transaction (serialized across processes by LMDB's lock), so a
// repository's record and the image records it points at always change together.
import type { ImageMeta, RepoMeta, RepoMetaBackend, RepoMetaTx, UserPrefsRecord } from '@zot-ts/metastore';
import { writeTx } from './lmdb-collections.js';
import type { MetaEnv } from './lmdb-env.js';

export function createLmdbRepoMetaBackend(env: MetaEnv): RepoMetaBackend {
  const { repos, images, userPrefs } = env.db;
  // Values decoded from LMDB are fresh objects on every get, so callers may mutate them freely.
  const tx: RepoMetaTx = {
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
  return {
    write: (fn) => writeTx(env, () => fn(tx)),
    // Reads see the last commit; lmdb-js keeps one read snapshot for a synchronous run of gets.
    read: async (fn) => fn(tx),
    // LMDB's last committed transaction id: moves with every commit of any process sharing the file (about 30 µs)
    changeMarker: () => (env.root.getStats() as { lastTxnId: number }).lastTxnId,
  };
}

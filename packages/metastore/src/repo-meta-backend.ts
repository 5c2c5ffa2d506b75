// The storage a RepoMetaStore and a UserPrefsStore need: records by key, read and written inside one
// transaction. The logic (repo-meta-store.ts) is written once over this; the memory store keeps Maps, the LMDB store
// (packages/metadb) runs each write in one LMDB transaction, so a repository's record and the images it points at
// change together or not at all, across processes too.
import type { ImageMeta, RepoMeta } from './repo-meta-types.js';

/** A user's stars and bookmarks (zot's UserData, without its API keys, which live in the ApiKeyStore). */
export interface UserPrefsRecord {
  username: string;
  starred: string[];
  bookmarked: string[];
}

/**
 * Synchronous access inside a transaction. Records returned are the caller's to mutate (copies, or freshly
 * decoded); a mutation counts only once put back.
 */
export interface RepoMetaTx {
  getRepo(name: string): RepoMeta | undefined;
  putRepo(meta: RepoMeta): void;
  deleteRepo(name: string): void;
  /** In name order. */
  repoNames(): string[];
  /** Every repository, in name order. */
  allRepos(): RepoMeta[];
  getImage(digest: string): ImageMeta | undefined;
  putImage(image: ImageMeta): void;
  getUserPrefs(username: string): UserPrefsRecord | undefined;
  putUserPrefs(prefs: UserPrefsRecord): void;
}

export interface RepoMetaBackend {
  /** Runs `fn` in one read-write transaction: all of its puts land, or none (when it throws). */
  write<T>(fn: (tx: RepoMetaTx) => T): Promise<T>;
  /** Runs `fn` over a consistent view; puts are not allowed. */
  read<T>(fn: (tx: RepoMetaTx) => T): Promise<T>;
  /** Changes with every committed write (see RepoMetaStore.changeMarker). */
  changeMarker?(): number;
}

/** Maps in the process, with copies in and out so callers never share the stored objects. */
export function createMemoryRepoMetaBackend(): RepoMetaBackend {
  const repos = new Map<string, RepoMeta>();
  const images = new Map<string, ImageMeta>();
  const prefs = new Map<string, UserPrefsRecord>();
  const copy = <T>(value: T): T => structuredClone(value);
  const sortedNames = () => [...repos.keys()].sort();
  const tx: RepoMetaTx = {
    getRepo: (name) => {
      const found = repos.get(name);
      return found ? copy(found) : undefined;
    },
    putRepo: (meta) => void repos.set(meta.name, copy(meta)),
    deleteRepo: (name) => void repos.delete(name),
    repoNames: sortedNames,
    allRepos: () => sortedNames().map((name) => copy(repos.get(name) as RepoMeta)),
    getImage: (digest) => {
      const found = images.get(digest);
      return found ? copy(found) : undefined;
    },
    putImage: (image) => void images.set(image.digest, copy(image)),
    getUserPrefs: (username) => {
      const found = prefs.get(username);
      return found ? copy(found) : undefined;
    },
    putUserPrefs: (record) => void prefs.set(record.username, copy(record)),
  };
  // One transaction at a time by construction: `fn` is synchronous. A throwing write leaves earlier puts of the
  // same call in place, which the logic avoids by putting only at its end.
  let writes = 0;
  return {
    write: async (fn) => {
      try {
        return fn(tx);
      } finally {
        writes++;
      }
    },
    read: async (fn) => fn(tx),
    changeMarker: () => writes,
  };
}

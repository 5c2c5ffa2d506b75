// metastore's RepoMetaBackend on Redis: the repository/image logic stays metastore's (written once); each write
// runs as one optimistic transaction (optimistic-tx.ts), so two instances recording pushes to the same repository
// at once both land: the second sees the first's record or runs again. Keys, under the configured prefix:
//   repo:<name> -> RepoMeta JSON     repos -> set of repository names
//   image:<digest> -> ImageMeta JSON prefs:<username> -> { starred, bookmarked }
import type { ImageMeta, RepoMeta, RepoMetaBackend, RepoMetaTx, UserPrefsRecord } from '@zot-ts/metastore';
import { decodeRecord, encodeRecord } from './json-codec.js';
import type { OptimisticTx, TxView } from './optimistic-tx.js';

export function createRedisRepoMetaBackend(engine: OptimisticTx, prefix: string): RepoMetaBackend {
  const names = `${prefix}repos`;
  const repoKey = (name: string) => `${prefix}repo:${name}`;
  const imageKey = (digest: string) => `${prefix}image:${digest}`;
  const prefsKey = (username: string) => `${prefix}prefs:${username}`;
  const decoded = <T>(text: string | undefined): T | undefined =>
    text === undefined ? undefined : decodeRecord<T>(text);

  const txOf = (view: TxView): RepoMetaTx => ({
    getRepo: (name) => decoded<RepoMeta>(view.get(repoKey(name))),
    putRepo: (meta) => {
      view.set(repoKey(meta.name), encodeRecord(meta));
      view.sadd(names, meta.name);
    },
    deleteRepo: (name) => {
      view.del(repoKey(name));
      view.srem(names, name);
    },
    repoNames: () => view.members(names),
    allRepos: () =>
      view
        .members(names)
        .map((name) => decoded<RepoMeta>(view.get(repoKey(name))))
        .filter((repo): repo is RepoMeta => repo !== undefined),
    getImage: (digest) => decoded<ImageMeta>(view.get(imageKey(digest))),
    putImage: (image) => view.set(imageKey(image.digest), encodeRecord(image)),
    getUserPrefs: (username) => decoded<UserPrefsRecord>(view.get(prefsKey(username))),
    putUserPrefs: (record) => view.set(prefsKey(record.username), encodeRecord(record)),
  });

  // No changeMarker: it is synchronous, and only a round trip could tell what other instances wrote. Without it,
  // readers (the search cache) read Redis each time, which is what several instances need.
  return {
    write: (fn) => engine.write((view) => fn(txOf(view))),
    read: (fn) => engine.read((view) => fn(txOf(view))),
  };
}

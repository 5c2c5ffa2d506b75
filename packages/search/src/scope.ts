// What one request may see: the repositories its caller can read (decided once per repository per request), the
// caller's stars and bookmarks, and the metadata store. zot filters in its MetaDB by the request's user access
// context (reqCtx.RepoIsUserAvailable); here every query goes through this scope, so a repository the caller
// cannot read is absent from every answer exactly as if it did not exist.
import type { RepoMeta, RepoMetaStore, UserPrefsStore } from '@zot-ts/metastore';

export interface SearchScope {
  readonly username: string | undefined;
  readonly repos: RepoMetaStore;
  canRead(repository: string): boolean;
  /** Whether the caller may delete in the repository (ImageSummary.IsDeletable). */
  canDelete(repository: string): boolean;
  starred(): Promise<ReadonlySet<string>>;
  bookmarked(): Promise<ReadonlySet<string>>;
  /** Every readable repository, in name order. */
  readableRepos(): Promise<RepoMeta[]>;
  /** One repository's metadata; undefined when unknown or unreadable. */
  repo(name: string): Promise<RepoMeta | undefined>;
}

export interface ScopeOptions {
  repos: RepoMetaStore;
  userPrefs: UserPrefsStore;
  username: string | undefined;
  canRead: (repository: string) => boolean;
  canDelete: (repository: string) => boolean;
}

export function createScope(options: ScopeOptions): SearchScope {
  const { repos, userPrefs, username } = options;
  const readable = new Map<string, boolean>();
  const canRead = (repository: string): boolean => {
    let allowed = readable.get(repository);
    if (allowed === undefined) {
      allowed = options.canRead(repository);
      readable.set(repository, allowed);
    }
    return allowed;
  };
  let starred: Promise<ReadonlySet<string>> | undefined;
  let bookmarked: Promise<ReadonlySet<string>> | undefined;
  let all: Promise<RepoMeta[]> | undefined;
  const none: ReadonlySet<string> = new Set();
  return {
    username,
    repos,
    canRead,
    canDelete: options.canDelete,
    starred: () => {
      starred ??=
        username === undefined
          ? Promise.resolve(none)
          : userPrefs.starredRepositories(username).then((names) => new Set(names));
      return starred;
    },
    bookmarked: () => {
      bookmarked ??=
        username === undefined
          ? Promise.resolve(none)
          : userPrefs.bookmarkedRepositories(username).then((names) => new Set(names));
      return bookmarked;
    },
    readableRepos: () => {
      all ??= repos.listRepoMetas().then((list) => list.filter((repo) => canRead(repo.name)));
      return all;
    },
    async repo(name) {
      if (!canRead(name)) return undefined;
      return repos.getRepoMeta(name);
    },
  };
}

// What one request may see: the repositories its caller can read (decided once per repository per request), the
// caller's stars and bookmarks, and the metadata store. zot filters in its MetaDB by the request's user access
// context (reqCtx.RepoIsUserAvailable); here every query goes through this scope, so a repository the caller
// cannot read is absent from every answer exactly as if it did not exist.
import type { ImageMeta, RepoMeta, UserPrefsStore } from '@zot-ts/metastore';
import type { RepoReader } from './repo-cache.js';

export interface SearchScope {
  readonly username: string | undefined;
  /** Records through the shared cache (read-only). */
  readonly repos: {
    getRepoMeta(name: string): Promise<RepoMeta | undefined>;
    getImageMetas(digests: readonly string[]): Promise<Map<string, ImageMeta>>;
  };
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
  reader: RepoReader;
  userPrefs: UserPrefsStore;
  username: string | undefined;
  canRead: (repository: string) => boolean;
  canDelete: (repository: string) => boolean;
}

export function createScope(options: ScopeOptions): SearchScope {
  const { reader, userPrefs, username } = options;
  // one repository is found in the cached list: the list is what every other query reads too
  const repos = {
    getRepoMeta: async (name: string) => (await reader.allRepos()).find((repo) => repo.name === name),
    getImageMetas: (digests: readonly string[]) => reader.imageMetas(digests),
  };
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
      all ??= reader.allRepos().then((list) => list.filter((repo) => canRead(repo.name)));
      return all;
    },
    async repo(name) {
      if (!canRead(name)) return undefined;
      return repos.getRepoMeta(name);
    },
  };
}

// index.json parsed once per version of the file, not once per request: a manifest GET by tag, a blob GET
// (which looks up the blob's media type) and a tag list all start from it, and parsing a repository's index
// of a few hundred tags costs more than the rest of such a request. The cache is keyed by the driver's
// `version` of the file (inode, mtime, size on local disk), so a write by anyone (GC, another process, a
// hand edit) is seen at the next stat; our own writes add their view at once. Two versions per repository
// are kept: while a push replaces index.json, readers that stat just before the rename still ask for the old
// one, and those just after for the new one; with one slot each side evicted the other and every concurrent
// push made its readers parse the whole index again (a profile of pushes at c=4 found a parse per push).
import { tagOfDescriptor } from './descriptor.js';
import type { OciIndex } from './oci-index.js';
import type { StorageDriver } from './storage-driver.js';
import type { Descriptor, Digest } from './store-types.js';

/** A parsed index.json shared by every reader until the file changes: never mutate it. */
export interface IndexView {
  readonly version: string;
  /** Size of the file it was parsed from: the cache is bounded by the sum of these. */
  readonly bytes: number;
  readonly index: Readonly<OciIndex>;
  /** The first entry carrying `tag`, as a scan of `manifests` finds it. */
  byTag(tag: string): Descriptor | undefined;
  /** The first entry for `digest`. */
  byDigest(digest: Digest): Descriptor | undefined;
}

/** Bytes of index.json kept parsed per storage root; the least recently used indexes beyond it are dropped. */
const maxCachedBytes = 64 * 1024 * 1024;

/** A repository's newest view and the one it replaced, while readers may still hold the older version. */
interface RepositoryViews {
  current: IndexView;
  previous?: IndexView;
}

interface Views {
  byRepository: Map<string, RepositoryViews>;
  bytes: number;
}

const bytesOf = (entry: RepositoryViews): number => entry.current.bytes + (entry.previous?.bytes ?? 0);

const viewsByDriver = new WeakMap<StorageDriver, Views>();

function viewsOf(driver: StorageDriver): Views {
  let views = viewsByDriver.get(driver);
  if (views === undefined) {
    views = { byRepository: new Map(), bytes: 0 };
    viewsByDriver.set(driver, views);
  }
  return views;
}

function drop(views: Views, repository: string): void {
  const entry = views.byRepository.get(repository);
  if (entry === undefined) return;
  views.byRepository.delete(repository);
  views.bytes -= bytesOf(entry);
}

export function createIndexView(version: string, index: OciIndex, bytes: number): IndexView {
  let tags: Map<string, Descriptor> | undefined;
  let digests: Map<Digest, Descriptor> | undefined;
  return {
    version,
    bytes,
    index,
    byTag(tag) {
      if (tags === undefined) {
        tags = new Map();
        for (const descriptor of index.manifests) {
          const name = tagOfDescriptor(descriptor);
          if (name !== undefined && !tags.has(name)) tags.set(name, descriptor);
        }
      }
      return tags.get(tag);
    },
    byDigest(digest) {
      if (digests === undefined) {
        digests = new Map();
        for (const descriptor of index.manifests)
          if (!digests.has(descriptor.digest)) digests.set(descriptor.digest, descriptor);
      }
      return digests.get(digest);
    },
  };
}

/** The cached view parsed from the file's `version`, if one is kept. */
export function cachedIndexView(
  driver: StorageDriver,
  repository: string,
  version: string,
): IndexView | undefined {
  const views = viewsOf(driver);
  const entry = views.byRepository.get(repository);
  if (entry === undefined) return undefined;
  const view =
    entry.current.version === version
      ? entry.current
      : entry.previous?.version === version
        ? entry.previous
        : undefined;
  if (view === undefined) return undefined;
  // most recently used last, so the first key is the one to drop
  views.byRepository.delete(repository);
  views.byRepository.set(repository, entry);
  return view;
}

/**
 * Keeps `view` as the repository's current one; the view it replaces stays as the previous one (a reader that
 * stat-ed the file before the replace still finds it). A view of the version already current changes nothing.
 */
export function rememberIndexView(driver: StorageDriver, repository: string, view: IndexView): void {
  const views = viewsOf(driver);
  const entry = views.byRepository.get(repository);
  if (entry?.current.version === view.version || entry?.previous?.version === view.version) return;
  drop(views, repository);
  const kept: RepositoryViews =
    entry === undefined ? { current: view } : { current: view, previous: entry.current };
  views.byRepository.set(repository, kept);
  views.bytes += bytesOf(kept);
  for (const oldest of views.byRepository.keys()) {
    if (views.bytes <= maxCachedBytes || oldest === repository) break;
    drop(views, oldest);
  }
}

/** A copy callers may change (push, splice, replace entries) without touching the shared view. */
export function mutableCopyOf(index: Readonly<OciIndex>): OciIndex {
  return {
    ...index,
    manifests: index.manifests.map((descriptor) =>
      descriptor.annotations === undefined
        ? { ...descriptor }
        : { ...descriptor, annotations: { ...descriptor.annotations } },
    ),
  };
}

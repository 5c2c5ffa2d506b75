// Reading and writing a repository's index.json (image-spec image-index.md, as zot writes it:
// compact JSON, schemaVersion 2, mediaType set). Unknown fields are kept as they were.

import { ANNOTATION_REF_NAME, isDescriptor, tagOfDescriptor } from './descriptor.js';
import { OciError } from './errors.js';
import {
  cachedIndexView,
  createIndexView,
  type IndexView,
  mutableCopyOf,
  rememberIndexView,
} from './index-cache.js';
import { parseJsonWithinDepth } from './json-depth.js';
import { layout } from './layout.js';
import { MEDIA_TYPE_OCI_INDEX } from './media-types.js';
import type { StorageDriver } from './storage-driver.js';
import type { Descriptor, Digest } from './store-types.js';

export interface OciIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: Descriptor[];
  [field: string]: unknown;
}

export function emptyIndex(): OciIndex {
  return { schemaVersion: 2, mediaType: MEDIA_TYPE_OCI_INDEX, manifests: [] };
}

/** Parses index.json as zot and other tools write it; OciError for a file that is no JSON object. */
function parseIndex(content: Uint8Array, repository: string): OciIndex {
  let parsed: unknown;
  try {
    parsed = parseJsonWithinDepth(content);
  } catch {
    // not reachable through our atomic writes; a hand-edited or foreign file
    throw new OciError('MANIFEST_UNKNOWN', {
      message: 'repository index is unreadable',
      detail: { repository },
    });
  }
  const index = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as OciIndex;
  // zot (Go) may write `"manifests": null` for an empty index
  const manifests = Array.isArray(index.manifests) ? index.manifests : [];
  return { ...index, manifests: manifests.filter(isDescriptor) };
}

/**
 * The index of a repository as a shared, read-only view (parsed once per version of the file), or undefined
 * when the repository has none (does not exist). Stat first, read second: a write between the two leaves
 * new bytes under the old version, which the next stat sees as stale, never old bytes under a new version.
 */
export async function readIndexView(
  driver: StorageDriver,
  repository: string,
): Promise<IndexView | undefined> {
  const path = layout.indexPath(repository);
  const info = await driver.stat(path);
  if (info === undefined) return undefined;
  const version = info.isDirectory ? undefined : info.version;
  if (version === undefined) return parseView(driver, repository, '');
  const cached = cachedIndexView(driver, repository, version);
  if (cached !== undefined) return cached;
  const work = inFlightOf(driver);
  // a version this process is writing right now: its view is cached when the write returns (a manifest PUT
  // reads the index again right after its rename, and so does the metadata job the PUT starts)
  const writing = work.writes.get(repository);
  if (writing !== undefined) {
    await writing.catch(() => undefined);
    const written = cachedIndexView(driver, repository, version);
    if (written !== undefined) return written;
  }
  // readers of one new version share one read and parse (a burst of pulls right after a push)
  const key = `${repository}\0${version}`;
  let parsing = work.parses.get(key);
  if (parsing === undefined) {
    parsing = parseView(driver, repository, version)
      .then((view) => {
        if (view !== undefined) rememberIndexView(driver, repository, view);
        return view;
      })
      .finally(() => work.parses.delete(key));
    work.parses.set(key, parsing);
  }
  return parsing;
}

/** Index reads and writes under way in this process, per storage driver. */
interface InFlight {
  parses: Map<string, Promise<IndexView | undefined>>;
  writes: Map<string, Promise<void>>;
}

const inFlightByDriver = new WeakMap<StorageDriver, InFlight>();

function inFlightOf(driver: StorageDriver): InFlight {
  let work = inFlightByDriver.get(driver);
  if (work === undefined) {
    work = { parses: new Map(), writes: new Map() };
    inFlightByDriver.set(driver, work);
  }
  return work;
}

async function parseView(
  driver: StorageDriver,
  repository: string,
  version: string,
): Promise<IndexView | undefined> {
  const content = await driver.getContent(layout.indexPath(repository));
  if (content === undefined) return undefined;
  return createIndexView(version, parseIndex(content, repository), content.byteLength);
}

/** The index of a repository as a copy the caller may change, or undefined when the repository has none. */
export async function readIndex(driver: StorageDriver, repository: string): Promise<OciIndex | undefined> {
  const view = await readIndexView(driver, repository);
  return view === undefined ? undefined : mutableCopyOf(view.index);
}

export async function writeIndex(driver: StorageDriver, repository: string, index: OciIndex): Promise<void> {
  const text = JSON.stringify(index);
  const path = layout.indexPath(repository);
  const view = mutableCopyOf(index);
  const write = (async () => {
    // the view of the old version stays: readers that stat-ed before the replace still ask for it
    const version = (await driver.putContent(path, text)) ?? (await driver.stat(path))?.version;
    // what we just wrote is what the next reader would parse: keep it under the file's new version
    if (version !== undefined)
      rememberIndexView(driver, repository, createIndexView(version, view, text.length));
  })();
  // writes of one repository are serialised by its lock, so one entry per repository is enough
  const writes = inFlightOf(driver).writes;
  writes.set(repository, write);
  try {
    await write;
  } finally {
    if (writes.get(repository) === write) writes.delete(repository);
  }
}

export function findByTag(index: OciIndex, tag: string): Descriptor | undefined {
  return index.manifests.find((descriptor) => tagOfDescriptor(descriptor) === tag);
}

export function findByDigest(index: OciIndex, digest: Digest): Descriptor | undefined {
  return index.manifests.find((descriptor) => descriptor.digest === digest);
}

/**
 * Points `tag` (or, without a tag, an untagged entry) at `descriptor`, as zot's CheckIfIndexNeedsUpdate
 * does: one descriptor per tag. A manifest a moved tag leaves behind stays listed untagged when no other
 * entry names it, so it remains pullable by digest until GC/retention decides (zot drops it instead).
 * Returns the digest the tag pointed at before, when it moved.
 */
export function pointAt(
  index: OciIndex,
  descriptor: Descriptor,
  tag: string | undefined,
): { changed: boolean; previous?: Digest } {
  if (tag === undefined) {
    if (findByDigest(index, descriptor.digest)) return { changed: false };
    index.manifests.push(descriptor);
    return { changed: true };
  }
  const position = index.manifests.findIndex((entry) => tagOfDescriptor(entry) === tag);
  const tagged: Descriptor = {
    ...descriptor,
    annotations: { ...descriptor.annotations, [ANNOTATION_REF_NAME]: tag },
  };
  if (position === -1) {
    // the manifest no longer needs an untagged entry once a tag names it
    const untagged = index.manifests.findIndex(
      (entry) => entry.digest === descriptor.digest && tagOfDescriptor(entry) === undefined,
    );
    if (untagged !== -1) index.manifests.splice(untagged, 1);
    index.manifests.push(tagged);
    return { changed: true };
  }
  const current = index.manifests[position] as Descriptor;
  if (current.digest === descriptor.digest) return { changed: false };
  index.manifests[position] = tagged;
  if (!findByDigest(index, current.digest)) {
    const { [ANNOTATION_REF_NAME]: _dropped, ...rest } = current.annotations ?? {};
    const orphan: Descriptor = { ...current };
    if (Object.keys(rest).length > 0) orphan.annotations = rest;
    else delete orphan.annotations;
    index.manifests.push(orphan);
  }
  return { changed: true, previous: current.digest };
}

// Which placeholder stands for which stored bytes (zot's dedupe cache, by path instead of by digest).
// S3 has no hard links; as zot does on S3, a second name for a blob is an empty placeholder object and a
// record says where the bytes are. The records must be shared by every instance on the bucket, so that
// any of them can read a placeholder another wrote:
// - `createDriverLinkRecords(driver)` keeps them as small objects in the same bucket, under `.zot-ts/links/`
//   (a dot name: never a repository, never walked as one), so N instances need nothing more than the bucket;
// - the Redis side (storage.cacheDriver: redis) can supply the same four calls: a hash name -> origin and
//   one set of names per origin (HGET/HSET/HDEL links, SMEMBERS/SADD/SREM names:<origin>).
import type { StorageDriver } from '@zot-ts/oci-store';

export interface LinkRecords {
  /** The path holding the bytes the placeholder `name` stands for; undefined when `name` is no placeholder. */
  originOf(name: string): Promise<string | undefined>;
  /** Every placeholder recorded as standing for `origin`'s bytes. */
  namesOf(origin: string): Promise<string[]>;
  /** Records `name` as standing for `origin` (replacing what it stood for before). */
  add(name: string, origin: string): Promise<void>;
  /** Forgets `name`; no error when it was not recorded. */
  remove(name: string): Promise<void>;
}

/** Records in one process only: for tests, and for a single instance without a shared store. */
export function createMemoryLinkRecords(): LinkRecords {
  const origins = new Map<string, string>();
  return {
    async originOf(name) {
      return origins.get(name);
    },
    async namesOf(origin) {
      return [...origins].filter(([, target]) => target === origin).map(([name]) => name);
    },
    async add(name, origin) {
      origins.set(name, origin);
    },
    async remove(name) {
      origins.delete(name);
    },
  };
}

export const LINK_RECORDS_DIRECTORY = '.zot-ts/links';

/**
 * Records as objects beside the data: `by-name/<name>` holds the origin's path, and
 * `by-origin/<origin>/<name>` lists the names of one origin with one paged listing. Paths are URI-encoded
 * into one key segment each, so no record looks like a blob path (`<repo>/blobs/sha256/<hex>`) to a walk.
 * S3 reads its own writes (AWS since 2020, Ceph RGW always), so another instance sees a record at once.
 */
export function createDriverLinkRecords(driver: StorageDriver): LinkRecords {
  const byName = (name: string): string => `${LINK_RECORDS_DIRECTORY}/by-name/${encodeURIComponent(name)}`;
  const byOrigin = (origin: string): string =>
    `${LINK_RECORDS_DIRECTORY}/by-origin/${encodeURIComponent(origin)}`;
  const entryOf = (origin: string, name: string): string => `${byOrigin(origin)}/${encodeURIComponent(name)}`;

  async function originOf(name: string): Promise<string | undefined> {
    const content = await driver.getContent(byName(name));
    return content === undefined ? undefined : Buffer.from(content).toString('utf8');
  }

  return {
    originOf,
    async namesOf(origin) {
      const entries = await driver.list(byOrigin(origin));
      return entries.filter((entry) => !entry.isDirectory).map((entry) => decodeURIComponent(entry.name));
    },
    async add(name, origin) {
      const before = await originOf(name);
      // the reverse entry first: a crash between the two leaves an entry namesOf callers check and drop
      await driver.putContent(entryOf(origin, name), '');
      await driver.putContent(byName(name), origin);
      if (before !== undefined && before !== origin) await driver.delete(entryOf(before, name));
    },
    async remove(name) {
      const origin = await originOf(name);
      await driver.delete(byName(name));
      if (origin !== undefined) await driver.delete(entryOf(origin, name));
    },
  };
}

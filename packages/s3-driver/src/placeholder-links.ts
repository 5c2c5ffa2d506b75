// Hard-link semantics on a store without links (S3), as zot dedupes on S3: a second name for some bytes
// is an empty placeholder object plus a record of where the bytes are (link-records.ts). Wrapped this way
// the driver says `canLink: true`, so the store's own dedupe path (blob-placement.ts, mounts) works on S3
// unchanged, and every reader (blob GETs, scrub, GC, manifests) sees a placeholder's bytes through it.
//
// The rules that make it behave like a hard link:
// - a placeholder reads, stats and streams as its origin;
// - deleting a placeholder deletes it and its record;
// - deleting an origin that still has names first moves its bytes onto one of them (which becomes the new
//   origin of the rest), so the bytes live while any name does, as with a link count;
// - the record is written before the placeholder: a crash between them leaves a record with no
//   placeholder, which nothing reads (only an empty file is looked up) and promotion skips;
// - a promotion moves the bytes first and repoints the other names after; a crash in between is healed
//   on read (a name whose origin is gone finds the heir among the origin's names).
// The store serialises placement and deletion of one digest with its digest lock, which covers races
// between a link and a delete of the same bytes (across instances once the locks are shared).
import type { DriverStat, StorageDriver } from '@zot-ts/oci-store';
import type { LinkRecords } from './link-records.js';

export function withPlaceholderLinks(driver: StorageDriver, records: LinkRecords): StorageDriver {
  /** The path whose bytes `path` shows, with its stat: itself, or the origin of a placeholder. */
  async function resolve(path: string): Promise<{ path: string; stat: DriverStat } | undefined> {
    const own = await driver.stat(path);
    if (own === undefined || own.isDirectory || own.size > 0) return own && { path, stat: own };
    const origin = await records.originOf(path);
    if (origin === undefined) return { path, stat: own };
    const stat = await driver.stat(origin);
    if (stat !== undefined && !stat.isDirectory) return { path: origin, stat };
    // The origin is gone. A promotion that stopped half way (a crash after the bytes moved to the heir,
    // before the other names were repointed) leaves the heir still listed under the old origin: find it.
    for (const name of await records.namesOf(origin)) {
      const sibling = await driver.stat(name);
      if (sibling !== undefined && !sibling.isDirectory && sibling.size > 0)
        return { path: name, stat: sibling };
    }
    return { path, stat: own };
  }

  /** Before `path`'s bytes go: hand them to a live name, which becomes the origin of the others. */
  async function releaseOrigin(path: string): Promise<void> {
    const names = await records.namesOf(path);
    if (names.length === 0) return;
    let heir: string | undefined;
    for (const name of names) {
      const placeholder = await driver.stat(name);
      if (
        heir === undefined &&
        placeholder !== undefined &&
        !placeholder.isDirectory &&
        placeholder.size === 0
      ) {
        heir = name;
      } else if (heir === undefined) {
        await records.remove(name); // a record whose placeholder is gone
      }
    }
    if (heir === undefined) return;
    // copy over the empty placeholder, then the source goes: readers of the heir see bytes all along
    await driver.move(path, heir);
    for (const name of names) {
      if (name === heir) continue;
      if ((await records.originOf(name)) === path) await records.add(name, heir);
    }
    await records.remove(heir);
  }

  async function removeFile(path: string): Promise<void> {
    const stat = await driver.stat(path);
    if (stat === undefined || stat.isDirectory) return;
    if (stat.size === 0) {
      await driver.delete(path);
      await records.remove(path);
      return;
    }
    await releaseOrigin(path);
    await driver.delete(path);
  }

  return {
    ...driver,
    name: driver.name,
    canLink: true,
    async stat(path) {
      return (await resolve(path))?.stat;
    },
    async reader(path, range) {
      const target = await resolve(path);
      return driver.reader(target?.path ?? path, range);
    },
    async getContent(path) {
      const target = await resolve(path);
      return target === undefined ? undefined : driver.getContent(target.path);
    },
    async delete(path) {
      const stat = await driver.stat(path);
      if (stat === undefined) return;
      if (!stat.isDirectory) return removeFile(path);
      // a tree (a repository): its placeholders drop their records, its origins hand their bytes on
      const files: string[] = [];
      for await (const file of driver.walk(path)) files.push(file.path);
      for (const file of files) await removeFile(file);
      await driver.delete(path);
    },
    async link(sourcePath, destinationPath) {
      if ((await driver.stat(destinationPath)) !== undefined) return false;
      const source = await resolve(sourcePath);
      if (source === undefined || source.stat.isDirectory || source.stat.size === 0) return false;
      await records.add(destinationPath, source.path);
      await driver.putContent(destinationPath, new Uint8Array());
      return true;
    },
  };
}

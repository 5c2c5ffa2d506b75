// The dedupe index on the bucket itself: `.zot-ts/digests/<algorithm>/<hex>` holds the path of one copy
// of that blob, so an instance finds a blob another instance placed a moment ago (zot asks its shared
// cache database the same question: which path holds this digest), and no instance lists the whole
// bucket to build an index of its own at its first push. The Redis cacheDriver can supply the same three
// calls (a hash digest -> path).
import type { BlobLocator, StorageDriver } from '@zot-ts/oci-store';

export const DIGEST_RECORDS_DIRECTORY = '.zot-ts/digests';

/** `driver` is the unwrapped S3 driver: records and existence checks need no placeholder resolution. */
export function createRecordedBlobLocator(driver: StorageDriver): BlobLocator {
  const recordOf = (digest: string): string => `${DIGEST_RECORDS_DIRECTORY}/${digest.replace(':', '/')}`;

  async function recorded(digest: string): Promise<string | undefined> {
    const content = await driver.getContent(recordOf(digest));
    return content === undefined ? undefined : Buffer.from(content).toString('utf8');
  }

  // placement awaits `add`, other callers do not: never reject, a failure only loses a dedupe
  const quietly = (work: () => Promise<void>): Promise<void> => work().catch(() => undefined);

  return {
    async find(digest, exceptPath) {
      const path = await recorded(digest);
      return path === exceptPath ? undefined : path;
    },
    add(digest, path) {
      return quietly(async () => {
        // keep a record that still names a copy: it may hold the bytes, where `path` may be a placeholder
        const current = await recorded(digest);
        if (current !== undefined && current !== path && (await driver.stat(current)) !== undefined) return;
        await driver.putContent(recordOf(digest), path);
      });
    },
    remove(digest, path) {
      return quietly(async () => {
        if ((await recorded(digest)) === path) await driver.delete(recordOf(digest));
      });
    },
  };
}

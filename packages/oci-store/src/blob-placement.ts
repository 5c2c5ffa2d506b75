// Puts a verified file under its digest name, once: if this repository has the digest already the new
// copy is dropped; with dedupe, a copy in another repository is hard-linked; else the file is renamed.
// Every path ends in an atomic rename or link, so no partial blob ever sits under a digest name.
import { createHash } from 'node:crypto';
import type { DigestAlgorithm } from './digest.js';
import { layout } from './layout.js';
import type { StoreContext } from './store-context.js';
import type { Digest } from './store-types.js';

export async function placeBlob(
  context: StoreContext,
  repository: string,
  sourcePath: string,
  digest: Digest,
): Promise<{ deduped: boolean }> {
  const { driver, locator } = context;
  const destination = layout.blobPath(repository, digest);
  return context.locks.withDigestLock(digest, async () => {
    // GC reads this under the same digest lock: a blob placed now is young whatever its mtime says
    context.blobTouches.touch(destination);
    if (await driver.stat(destination)) {
      await driver.delete(sourcePath);
      return { deduped: true };
    }
    if (context.dedupe && driver.canLink && driver.link) {
      const existing = await locator.find(digest, destination);
      if (existing !== undefined && (await linkQuietly(context, existing, destination))) {
        await driver.delete(sourcePath);
        await locator.add(digest, destination);
        return { deduped: true };
      }
    }
    await driver.move(sourcePath, destination);
    // awaited: a shared (remote) index then names the blob before the push is acknowledged
    await locator.add(digest, destination);
    return { deduped: false };
  });
}

/** A hard link; false (not an error) when it cannot be made, e.g. across file systems. */
export async function linkQuietly(
  context: StoreContext,
  source: string,
  destination: string,
): Promise<boolean> {
  try {
    return (await context.driver.link?.(source, destination)) ?? false;
  } catch {
    return false;
  }
}

/** Hashes a stored file by streaming it (1 MiB reads). */
export async function hashFile(
  context: StoreContext,
  path: string,
  algorithm: DigestAlgorithm,
): Promise<string> {
  const hash = createHash(algorithm);
  const stream = await context.driver.reader(path);
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

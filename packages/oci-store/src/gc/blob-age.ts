// "Older than the delay", as zot's isBlobOlderThan decides it (mtime + delay <= now), except that a blob
// the store placed recently counts as young whatever its mtime (see blob-touches.ts).
import type { StoreContext } from '../store-context.js';

/** True when the file at `path` may be collected: missing, or last written/placed at least `delayMs` ago. */
export async function isOlderThan(
  context: StoreContext,
  path: string,
  delayMs: number,
  now: number,
): Promise<{ old: boolean; size: number }> {
  const info = await context.driver.stat(path);
  if (!info) return { old: true, size: 0 };
  // The touch record is this instance's. With locks shared between instances (checkFence), ctime also counts: a
  // hard link made by another instance moves it. (Not otherwise: backdating a file with utimes moves ctime too.)
  const shared = context.locks.checkFence !== undefined;
  const lastWrite = Math.max(
    info.modifiedAt.getTime(),
    shared ? (info.changedAt?.getTime() ?? 0) : 0,
    context.blobTouches.lastTouch(path) ?? 0,
  );
  return { old: lastWrite + delayMs <= now, size: info.size };
}

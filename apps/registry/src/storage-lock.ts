// One process per storage root: `zot serve` takes this lock before anything touches storage, and a second
// process on the same root exits at once with "storage <path> is in use by process <pid>" (issue 20), instead
// of running a GC pass over storage the first one is writing. Several instances share storage only through
// scale-out (S3 + Redis), never a local root.
//
// Why a pid file and not an OS lock: Node has no flock/fcntl, and the packages that add one are native addons
// that must compile here. So the lock is a file only one process can create: the owner's record (pid, start
// time, host) is written to a private file and hard-linked to the lock's name; link(2), like O_EXCL, fails when
// the name exists (atomic on local file systems), and never shows a half-written file. It is held for the process's life
// and removed on close and on exit. A file left by a crash (SIGKILL, power loss) is recognised as stale when its
// pid is gone, or alive but started at another time (the pid was reused: in a container zot is pid 1 every
// time). Removing a stale file is itself guarded by a second O_EXCL file, so two starters that both find the
// same stale lock cannot both remove it and then both create one.
import { randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

export const STORAGE_LOCK_FILE_NAME = '.zot-ts.lock';

export class StorageInUseError extends Error {
  override readonly name = 'StorageInUseError';
  constructor(
    readonly storagePath: string,
    readonly pid: number,
    readonly host: string,
  ) {
    super(
      `storage ${storagePath} is in use by process ${pid}${host === hostname() ? '' : ` on host ${host}`}` +
        ` (lock file ${join(storagePath, STORAGE_LOCK_FILE_NAME)})`,
    );
  }
}

interface LockOwner {
  pid: number;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat field 22); absent off Linux. */
  startTime?: string;
  host: string;
  /** Tells our own file from a stale one with the same pid. */
  token: string;
}

/** Roots locked by this process (root -> token of its file): a second registry in the same process (tests) is
 *  refused too, and the exit handler removes what is still held. */
const heldHere = new Map<string, string>();
let exitHandlerInstalled = false;

function removeHeldOnExit(): void {
  // exit handlers must be synchronous: a best-effort removal; a crash is handled by the staleness check
  for (const [root, token] of heldHere) {
    const path = join(root, STORAGE_LOCK_FILE_NAME);
    try {
      if ((JSON.parse(readFileSync(path, 'utf8')) as LockOwner).token === token) unlinkSync(path);
    } catch {}
  }
}

function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces: count fields after its last ')'
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true; // cannot tell: a shared file system; refuse rather than guess
  if (owner.pid <= 0) return false; // not a process: a foreign or damaged file
  if (owner.pid === process.pid) return false; // our pid in a file we did not write: a previous life (pid 1)
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const startTime = startTimeOf(owner.pid);
  return owner.startTime === undefined || startTime === undefined || startTime === owner.startTime;
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return undefined;
    return {
      pid: parsed.pid,
      host: parsed.host,
      token: String(parsed.token),
      ...(parsed.startTime ? { startTime: parsed.startTime } : {}),
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { pid: 0, host: hostname(), token: 'unreadable' }; // torn or foreign content: treat as stale
  }
}

/**
 * Creates `path` with the owner's record only if it does not exist; false when it does. The record is written
 * to a private file first and hard-linked into place (link fails with EEXIST like O_EXCL does), so nobody
 * ever reads a lock file that exists but is still empty.
 */
async function createExclusive(path: string, owner: LockOwner): Promise<boolean> {
  const draft = `${path}.${owner.token}.tmp`;
  const handle = await open(draft, 'wx', 0o644);
  try {
    await handle.writeFile(`${JSON.stringify(owner)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

/** Removes a stale lock file, guarded so that only one starter removes it. */
async function removeStale(lockPath: string, stale: LockOwner, me: LockOwner): Promise<void> {
  const guardPath = `${lockPath}.takeover`;
  if (!(await createExclusive(guardPath, me))) {
    const guard = await readOwner(guardPath);
    // a starter that died while holding the guard (a crash within these few lines) must not block forever
    if (guard !== undefined && !isAlive(guard)) await unlink(guardPath).catch(() => undefined);
    await new Promise((done) => setTimeout(done, 20));
    return;
  }
  try {
    const current = await readOwner(lockPath);
    if (current !== undefined && current.token === stale.token) await unlink(lockPath).catch(() => undefined);
  } finally {
    await unlink(guardPath).catch(() => undefined);
  }
}

export interface StorageLock {
  /** The lock files held. */
  paths: string[];
  release(): Promise<void>;
}

async function lockOne(root: string, me: LockOwner): Promise<void> {
  const lockPath = join(root, STORAGE_LOCK_FILE_NAME);
  if (heldHere.has(root)) throw new StorageInUseError(root, process.pid, me.host);
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await createExclusive(lockPath, me)) {
      heldHere.set(root, me.token);
      return;
    }
    const owner = await readOwner(lockPath);
    if (owner === undefined) continue; // removed between our create and read: try again
    if (isAlive(owner)) throw new StorageInUseError(root, owner.pid, owner.host);
    await removeStale(lockPath, owner, me);
  }
  throw new Error(`storage ${root}: could not take the lock ${lockPath} (contended)`);
}

/** Locks each root (existing directories) in a fixed order, so two starters cannot deadlock on subPaths. */
export async function lockStorageRoots(roots: string[]): Promise<StorageLock> {
  const unique = [...new Set(roots.map((root) => resolve(root)))].sort();
  const me: LockOwner = { pid: process.pid, host: hostname(), token: randomUUID() };
  const startTime = startTimeOf(process.pid);
  if (startTime !== undefined) me.startTime = startTime;
  const held: string[] = [];
  const releaseAll = async () => {
    for (const root of held.splice(0)) {
      const path = join(root, STORAGE_LOCK_FILE_NAME);
      const owner = await readOwner(path);
      if (owner?.token === me.token) await unlink(path).catch(() => undefined);
      heldHere.delete(root);
    }
  };
  if (!exitHandlerInstalled) {
    process.on('exit', removeHeldOnExit);
    exitHandlerInstalled = true;
  }
  try {
    for (const root of unique) {
      await lockOne(root, me);
      held.push(root);
    }
  } catch (error) {
    await releaseAll();
    throw error;
  }
  return {
    paths: held.map((root) => join(root, STORAGE_LOCK_FILE_NAME)),
    release: releaseAll,
  };
}

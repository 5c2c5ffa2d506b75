// Keyed locks shared by every process on one host that opens the same storage root (the workers of
// `http.workers`, tests running two stores on one root): a lock is a file `<directory>/<sha256(key)>` that only
// one process can create (O_EXCL), holding its owner's pid and start time. Inside a process the in-process
// queue still orders the holders, so only one of them at a time contends for the file.
//
// A process killed while holding a lock (kill -9, OOM) leaves its file behind. A waiter that finds the file's
// pid gone, or alive with another start time (the pid was reused), takes it over: under a second O_EXCL file
// (`<lock>.takeover`) it re-reads the owner and removes the file only if it is still the stale one, so two
// waiters that both saw it stale cannot both remove a fresh lock. A file still empty (its creator between
// open and write, or killed there) is stale once it is older than `emptyStaleMs`.
//
// The file operations are synchronous on purpose: create, write and unlink of a small file on a local disk
// take microseconds, while each asynchronous call is a thread-pool round trip that a push waits on (4 to 5
// locks per image push). Waiting for a held lock polls with a growing pause (1 ms up to 20 ms): locks are held
// for the time of one index.json update or one blob placement.
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInProcessLocks, type Locks } from './locks.js';

export interface FileLocksOptions {
  /** An empty lock file older than this is stale. Default 5 s. */
  emptyStaleMs?: number;
}

interface Owner {
  pid: number;
  startTime: string;
  token: string;
}

/** Start time of a process in clock ticks since boot (/proc/<pid>/stat field 22); '' when unknown. */
export function processStartTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

/** How often a waiter asks whether the holder of a lock is still alive. */
const ownerCheckMs = 100;

function parseOwner(text: string): Owner | undefined {
  const [pid, startTime = '', token = ''] = text.trim().split(' ');
  const parsed = Number(pid);
  return Number.isInteger(parsed) && parsed > 0 && token !== ''
    ? { pid: parsed, startTime, token }
    : undefined;
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/**
 * Tokens of the lock files this process holds now, over all its FileLocks (two stores on one root in one
 * process, as tests make them): our pid in a file with a token not here is a previous life (pid 1 again).
 */
const heldTokens = new Set<string>();

export function createFileLocks(directory: string, options: FileLocksOptions = {}): Locks {
  const emptyStaleMs = options.emptyStaleMs ?? 5_000;
  mkdirSync(directory, { recursive: true });
  const me = { pid: process.pid, startTime: processStartTime(process.pid) };
  const inner = createInProcessLocks();

  const pathOf = (key: string): string =>
    join(directory, createHash('sha256').update(key).digest('hex').slice(0, 40));

  function tryCreate(path: string, token: string): boolean {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (error) {
      if (errnoOf(error) === 'EEXIST') return false;
      if (errnoOf(error) === 'ENOENT') {
        mkdirSync(directory, { recursive: true }); // removed under us (a cleanup): recreate and retry
        return tryCreate(path, token);
      }
      throw error;
    }
    try {
      writeSync(fd, `${me.pid} ${me.startTime} ${token}\n`);
    } finally {
      closeSync(fd);
    }
    return true;
  }

  /** The owner of `path`; `gone` when the file vanished, `stale` when nobody alive holds it. */
  function ownerState(path: string): 'gone' | 'stale' | 'held' {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return 'gone';
      throw error;
    }
    const owner = parseOwner(text);
    if (owner === undefined) {
      try {
        return Date.now() - statSync(path).mtimeMs > emptyStaleMs ? 'stale' : 'held';
      } catch {
        return 'gone';
      }
    }
    if (owner.pid === me.pid) return heldTokens.has(owner.token) ? 'held' : 'stale';
    try {
      process.kill(owner.pid, 0);
    } catch (error) {
      if (errnoOf(error) === 'ESRCH') return 'stale';
    }
    const startTime = processStartTime(owner.pid);
    return owner.startTime !== '' && startTime !== '' && startTime !== owner.startTime ? 'stale' : 'held';
  }

  function removeStale(path: string): void {
    const guard = `${path}.takeover`;
    const token = randomUUID();
    if (!tryCreate(guard, token)) {
      // another waiter is taking it over; a guard left by a waiter that died here is itself stale
      if (ownerState(guard) === 'stale') unlinkQuietly(guard);
      return;
    }
    try {
      if (ownerState(path) === 'stale') unlinkQuietly(path);
    } finally {
      unlinkQuietly(guard);
    }
  }

  async function acquire(key: string): Promise<{ path: string; token: string }> {
    const path = pathOf(key);
    const token = randomUUID();
    let pauseMs = 1;
    let nextOwnerCheck = 0;
    for (;;) {
      if (tryCreate(path, token)) {
        heldTokens.add(token);
        return { path, token };
      }
      // who holds it (a file read, a signal 0, a /proc read) is asked at once and then every
      // `ownerCheckMs`: a live holder is the common case, and asking on every poll cost more than the wait
      const now = Date.now();
      if (now >= nextOwnerCheck) {
        nextOwnerCheck = now + ownerCheckMs;
        const state = ownerState(path);
        if (state === 'gone') continue;
        if (state === 'stale') {
          removeStale(path);
          continue;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      pauseMs = Math.min(pauseMs * 2, 20);
    }
  }

  function release(held: { path: string; token: string }): void {
    heldTokens.delete(held.token);
    unlinkQuietly(held.path);
  }

  async function withKeyLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    return inner.withKeyLock(key, async () => {
      const held = await acquire(key);
      try {
        return await work();
      } finally {
        release(held);
      }
    });
  }

  return {
    withKeyLock,
    withRepoLock: (repository, work) => withKeyLock(`repo:${repository}`, work),
    withDigestLock: (digest, work) => withKeyLock(`digest:${digest}`, work),
  };
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {}
}

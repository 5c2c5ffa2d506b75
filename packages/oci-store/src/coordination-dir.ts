// Where processes sharing a storage root (`crossProcess`) keep their lock files and GC's placement markers.
// Creating and removing a file on the storage root's ext4 costs about 600 µs of system time (the journal),
// and a push takes about six locks: measured, that was most of the extra CPU of two workers over one. On tmpfs
// the same costs about 15 µs. Neither record needs to outlive the processes (a lock names a live pid; a
// placement marker protects a blob for GC's delay only), so they live under /dev/shm when it is there, in
// a directory named after the root's real path, private to this user (0700, owned by us, not a symlink;
// anything else there, e.g. planted by another user, is not used). Processes that do not share /dev/shm
// (separate containers on one volume) would not see each other's locks: the storage lock (.zot-ts.lock)
// keeps them from serving one root together in the first place; several processes means the workers of one
// server (`http.workers`). Without a usable /dev/shm, `<root>/.zot-ts-locks` is used.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

const sharedMemory = '/dev/shm';

function privateDirectory(path: string): boolean {
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
  }
  try {
    const info = lstatSync(path);
    const uid = process.getuid?.();
    return info.isDirectory() && (uid === undefined || info.uid === uid) && (info.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** The directory for cross-process coordination files of storage root `rootDirectory`. */
export function coordinationDirectoryOf(rootDirectory: string, inSharedMemory = true): string {
  if (inSharedMemory) {
    let real = rootDirectory;
    try {
      real = realpathSync(rootDirectory);
    } catch {}
    const name = `zot-ts-${createHash('sha256').update(real).digest('hex').slice(0, 24)}`;
    const candidate = join(sharedMemory, name);
    if (privateDirectory(candidate)) return candidate;
  }
  return join(rootDirectory, '.zot-ts-locks');
}

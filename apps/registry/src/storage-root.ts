// The storage roots, checked before anything else touches them: created if missing, and writable. A problem
// fails start-up at once naming the config key (storage.rootDirectory, storage.subPaths["/a"].rootDirectory).
// Node's recursive mkdir never returns when a parent exists but refuses children with ENOENT (/proc/zot):
// directories are created one level at a time here, so such a path fails at once instead of hanging.
import { mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ZotConfig } from '@zot-ts/config';

export interface StorageRoot {
  /** The config key naming this root. */
  key: string;
  /** Absolute path. */
  path: string;
}

export class StorageRootError extends Error {
  override readonly name = 'StorageRootError';
  constructor(
    readonly key: string,
    readonly path: string,
    reason: string,
  ) {
    super(`${key}: ${path} ${reason}`);
  }
}

export function storageRootsOf(config: ZotConfig): StorageRoot[] {
  return [
    { key: 'storage.rootDirectory', path: resolve(config.storage.rootDirectory) },
    ...Object.entries(config.storage.subPaths ?? {}).map(([route, sub]) => ({
      key: `storage.subPaths[${JSON.stringify(route)}].rootDirectory`,
      path: resolve(sub.rootDirectory),
    })),
  ];
}

function reasonOf(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  return code ?? message;
}

/** mkdir -p, one level at a time (see the header for why). */
async function makeDirectory(path: string): Promise<void> {
  const missing: string[] = [];
  for (let current = path; ; current = dirname(current)) {
    try {
      if (!(await stat(current)).isDirectory())
        throw Object.assign(new Error(), { code: 'ENOTDIR', path: current });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(current) === current) throw error;
      missing.unshift(current);
    }
  }
  for (const directory of missing) {
    try {
      await mkdir(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Why the process cannot create files in `path`, or undefined when it can. */
export async function unwritableReason(path: string): Promise<string | undefined> {
  const probe = `${path}/.zot-ts-write-probe-${process.pid}`;
  try {
    const handle = await open(probe, 'w');
    await handle.close();
    await unlink(probe);
    return undefined;
  } catch (error) {
    return reasonOf(error);
  }
}

/** Creates every root and checks that it is writable; throws StorageRootError naming the key otherwise. */
export async function prepareStorageRoots(roots: StorageRoot[]): Promise<void> {
  for (const root of roots) {
    try {
      await makeDirectory(root.path);
    } catch (error) {
      throw new StorageRootError(root.key, root.path, `cannot be created: ${reasonOf(error)}`);
    }
    const unwritable = await unwritableReason(root.path);
    if (unwritable !== undefined)
      throw new StorageRootError(root.key, root.path, `is not writable: ${unwritable}`);
  }
}

/** A readiness check for /readyz: every root still writable, probed at most once per `everyMs`. */
export function storageWritableCheck(
  roots: StorageRoot[],
  everyMs = 5000,
): () => Promise<string | undefined> {
  let checkedAt = 0;
  let last: Promise<string | undefined> = Promise.resolve(undefined);
  return () => {
    if (Date.now() - checkedAt >= everyMs) {
      checkedAt = Date.now();
      last = (async () => {
        for (const root of roots) {
          const reason = await unwritableReason(root.path);
          if (reason !== undefined) return `${root.key}: ${root.path} is not writable: ${reason}`;
        }
        return undefined;
      })();
    }
    return last;
  };
}

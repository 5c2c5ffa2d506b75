// Watches a few small files (a config file, a TLS certificate and key) and calls back when their content
// changes. Shared by the config reload and the TLS reload.
//
// Why content hashes and directory watches: a Kubernetes secret or configMap update never writes the file
// that the path names. The kubelet writes a new timestamped directory and renames the `..data` symlink over
// the old one, and `tls.crt -> ..data/tls.crt` then resolves to the new file. A watch on the file itself
// would stay on the old inode forever; a watch on its directory sees the rename, and reading the path
// follows the links to the new content. Polling (every `pollMs`) backs the watcher up on file systems where
// fs.watch misses events. A file that is missing for a moment (an editor's delete-and-create, a swap in
// progress) is not a change: the previous content stays in force until the file is back.
import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export interface FileWatchOptions {
  paths: string[];
  /** Called once per change of any file's content, never twice at once. Errors thrown are passed to onError. */
  onChange: () => Promise<void> | void;
  onError?: (error: unknown) => void;
  /** Fallback poll period. Default 1000 ms. */
  pollMs?: number;
  /** Quiet time after a watcher event before the files are read, so a multi-file update lands whole. Default 100 ms. */
  settleMs?: number;
}

export interface FileWatch {
  /** Re-reads the files now; resolves to whether the content changed (and onChange ran). */
  check(): Promise<boolean>;
  close(): void;
}

async function contentHash(path: string): Promise<string | undefined> {
  try {
    return createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  } catch {
    return undefined; // missing or unreadable mid-swap: keep what we had
  }
}

/** Starts watching; the current content is the baseline (no onChange for it). */
export async function watchFiles(options: FileWatchOptions): Promise<FileWatch> {
  const paths = options.paths.map((path) => resolve(path));
  const seen = new Map<string, string | undefined>();
  for (const path of paths) seen.set(path, await contentHash(path));
  let running: Promise<boolean> | undefined;
  let again = false;
  let closed = false;

  const compare = async (): Promise<boolean> => {
    let changed = false;
    for (const path of paths) {
      const hash = await contentHash(path);
      if (hash === undefined || hash === seen.get(path)) continue;
      seen.set(path, hash);
      changed = true;
    }
    if (changed && !closed) {
      try {
        await options.onChange();
      } catch (error) {
        options.onError?.(error);
      }
    }
    return changed;
  };

  // one check at a time; an event during a check asks for one more afterwards, so no change is lost
  const check = (): Promise<boolean> => {
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = compare().finally(() => {
      running = undefined;
      if (again && !closed) {
        again = false;
        void check();
      }
    });
    return running;
  };

  let settleTimer: NodeJS.Timeout | undefined;
  const onEvent = () => {
    if (closed) return;
    clearTimeout(settleTimer);
    settleTimer = setTimeout(() => void check(), options.settleMs ?? 100);
    settleTimer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const directory of new Set(paths.map((path) => dirname(path)))) {
    try {
      const watcher = watch(directory, { persistent: false }, onEvent);
      watcher.on('error', () => undefined); // the poll still runs
      watchers.push(watcher);
    } catch {
      // no watcher on this file system: polling alone
    }
  }
  const poll = setInterval(() => void check(), options.pollMs ?? 1000);
  poll.unref();

  return {
    check,
    close() {
      closed = true;
      clearInterval(poll);
      clearTimeout(settleTimer);
      for (const watcher of watchers) watcher.close();
    },
  };
}

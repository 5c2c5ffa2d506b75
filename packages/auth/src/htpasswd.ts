// The htpasswd file (`http.auth.htpasswd.path`), bcrypt entries as `htpasswd -B` writes them
// (`user:$2y$05$...`; $2a$ and $2b$ too, as zot's golang bcrypt accepts). Other hash kinds are ignored,
// as zot ignores them.
//
// Reload: before a check, the file is re-stat'ed (following symlinks) at most once per `recheckMs`,
// and at once after the directory watcher saw a change. A change of device, inode, size or mtime
// re-reads it. A Kubernetes secret update swaps the `..data` symlink in the directory: stat follows
// the new link to a new inode, so the swap is seen even though the path never changed.
// A file that cannot be read during a swap leaves the previous users in place.
import { randomBytes } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import bcrypt from 'bcryptjs';
import { createPasswordVerifier, type PasswordCheck, type PasswordVerifier } from './password-verifier.js';

export interface HtpasswdOptions {
  path: string;
  /** Shared verifier (bcrypt workers, success cache); one is made, and closed with this, when absent. */
  verifier?: PasswordVerifier;
  /** Minimum time between two stats of the file. Default 1000 ms. */
  recheckMs?: number;
  /** Watch the directory to notice changes before the next recheck. Default true. */
  watch?: boolean;
  onReloadError?: (error: unknown) => void;
}

export interface Htpasswd {
  /** `source`: the client address, for the verifier's fairness between clients. */
  verify(username: string, password: string, source?: string): Promise<PasswordCheck>;
  has(username: string): Promise<boolean>;
  /** Re-reads the file now when it changed; resolves to whether it did. */
  refresh(): Promise<boolean>;
  close(): Promise<void>;
}

const BCRYPT_HASH = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

export function parseHtpasswd(content: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const rawLine of content.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const hash = line.slice(colon + 1).trim();
    if (BCRYPT_HASH.test(hash)) users.set(line.slice(0, colon), hash);
  }
  return users;
}

export async function loadHtpasswd(options: HtpasswdOptions): Promise<Htpasswd> {
  const recheckMs = options.recheckMs ?? 1000;
  const verifier = options.verifier ?? createPasswordVerifier();
  let users = new Map<string, string>();
  let fingerprint = '';
  let lastCheck = 0;
  let stale = false;
  let refreshing: Promise<boolean> | undefined;

  const readIfChanged = async (): Promise<boolean> => {
    const info = await stat(options.path);
    const next = `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
    if (next === fingerprint) return false;
    const content = await readFile(options.path, 'utf8');
    users = parseHtpasswd(content);
    fingerprint = next;
    // Unknown users cost no bcrypt, but their answer waits about as long as a real comparison: one hash at the
    // file's cost, timed now, tells the verifier how long that is before real comparisons have been timed.
    const cost = [...users.values()][0]?.match(BCRYPT_HASH)?.[1] ?? '05';
    const started = performance.now();
    bcrypt.hashSync(randomBytes(16).toString('hex'), Number(cost));
    verifier.calibrate(performance.now() - started);
    return true;
  };

  try {
    await readIfChanged(); // a missing file at start is a configuration error
  } catch (error) {
    if (!options.verifier) await verifier.close();
    throw error;
  }

  const refresh = (): Promise<boolean> => {
    refreshing ??= readIfChanged()
      .catch((error: unknown) => {
        options.onReloadError?.(error);
        return false;
      })
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  };

  const maybeRefresh = async (): Promise<void> => {
    const now = Date.now();
    if (!stale && now - lastCheck < recheckMs) return;
    stale = false;
    lastCheck = now;
    await refresh();
  };

  let watcher: FSWatcher | undefined;
  if (options.watch ?? true) {
    try {
      watcher = watch(dirname(options.path), { persistent: false }, () => {
        stale = true;
      });
      watcher.on('error', () => undefined);
    } catch {
      watcher = undefined; // polling by recheckMs still works
    }
  }

  return {
    async verify(username, password, source) {
      await maybeRefresh();
      const hash = users.get(username);
      if (hash === undefined) return verifier.unknownUser();
      return verifier.verify(username, password, hash, source);
    },
    async has(username) {
      await maybeRefresh();
      return users.has(username);
    },
    refresh,
    async close() {
      watcher?.close();
      if (!options.verifier) await verifier.close();
    },
  };
}

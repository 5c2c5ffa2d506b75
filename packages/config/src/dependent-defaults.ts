// Defaults that depend on other keys, applied before schema defaults, mirroring zot's applyDefaultValues
// (pkg/cli/server/root.go): they must know whether a key was written, which schema defaults would hide.

import { isDuration } from './duration.js';

type Mutable = Record<string, unknown>;

function asObject(value: unknown): Mutable | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Mutable)
    : undefined;
}

function applyStorageDefaults(storage: Mutable): void {
  const retention = asObject(storage.retention);
  if (storage.gc === false) {
    // zot: with gc off, unset delays and intervals are zero rather than the 1h defaults
    storage.gcDelay ??= '0s';
    storage.gcInterval ??= '0s';
    if (retention !== undefined) retention.delay ??= '0s';
  } else if (retention !== undefined) {
    // zot: retention.delay defaults to gcDelay (the written one or the 1h default)
    // (an invalid gcDelay is reported once, at gcDelay, not again here)
    const gcDelay = storage.gcDelay ?? '1h';
    if (typeof gcDelay === 'string' && isDuration(gcDelay)) retention.delay ??= gcDelay;
  }
  // zot: a remote store with dedupe keeps its dedupe cache remotely unless told otherwise
  storage.remoteCache ??= asObject(storage.storageDriver) !== undefined && storage.dedupe !== false;
}

/** Mutates a key-normalised copy of the file in place. */
export function applyDependentDefaults(config: unknown): void {
  const root = asObject(config);
  if (root === undefined) return;
  const storage = asObject(root.storage);
  if (storage !== undefined) {
    applyStorageDefaults(storage);
    for (const subPath of Object.values(asObject(storage.subPaths) ?? {})) {
      const subStorage = asObject(subPath);
      if (subStorage !== undefined) applyStorageDefaults(subStorage);
    }
  }
  // zot: OpenID login hands out API keys for the data path, so apikey is forced on with openid
  const auth = asObject(asObject(root.http)?.auth);
  if (auth !== undefined && asObject(auth.openid) !== undefined) auth.apikey = true;
}

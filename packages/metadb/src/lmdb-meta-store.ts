// The embedded default MetaStore: every collection in one LMDB file under the storage root.
import { join } from 'node:path';
import {
  createRepoMetaStore,
  createUserPrefsStore,
  DEFAULT_METADATA_DIRECTORY_NAME,
  type MetaStore,
  MetaStoreError,
  type StorageSyncStore,
} from '@zot-ts/metastore';
import { lmdbApiKeys, lmdbSessions, lmdbSignatureResults, lmdbUsers, writeTx } from './lmdb-collections.js';
import { openMetaEnv } from './lmdb-env.js';
import { createLmdbRepoMetaBackend } from './lmdb-repo-backend.js';
import { lmdbTagTimes } from './lmdb-tag-times.js';
import { type MigrationOutcome, migrateFileStore } from './migrate-file-store.js';

/**
 * The database file under the storage root. zot's BoltDB file is `<root>/meta.db`; ours is another format, so it
 * takes another name (zot opening our storage must not mistake it for its own), and a leading `_` can never name a
 * repository (distribution-spec names start with [a-z0-9]).
 */
export const DEFAULT_METADB_FILE_NAME = '_zot-ts-meta.lmdb';

export interface LmdbMetaStoreOptions {
  /** The database file (created when missing), e.g. `<root>/_zot-ts-meta.lmdb`. */
  path: string;
  /** A first-wave metadata directory to import once, e.g. `<root>/.zot-ts-meta`. */
  migrateFrom?: string;
  /** Commit without fsync: tests and benchmarks only (see OpenMetaEnvOptions). */
  noSync?: boolean;
  /** Tag pulls share one write per this many ms (default 0); the registry batches them (a GET records one). */
  pullSettleMs?: number;
}

export interface LmdbMetaStore extends MetaStore {
  storageSync: StorageSyncStore;
  /** What the start-up migration did. */
  migration: MigrationOutcome;
}

/** The usual places under a storage root: the LMDB file, and the first wave's directory to migrate from. */
export function metadbPathsUnder(rootDirectory: string): { path: string; migrateFrom: string } {
  return {
    path: join(rootDirectory, DEFAULT_METADB_FILE_NAME),
    migrateFrom: join(rootDirectory, DEFAULT_METADATA_DIRECTORY_NAME),
  };
}

export async function createLmdbMetaStore(options: LmdbMetaStoreOptions): Promise<LmdbMetaStore> {
  const env = await openMetaEnv({ path: options.path, ...(options.noSync ? { noSync: true } : {}) });
  let migration: MigrationOutcome = { migrated: false, records: 0 };
  try {
    if (options.migrateFrom !== undefined) migration = await migrateFileStore(env, options.migrateFrom);
  } catch (error) {
    await env.close();
    throw error;
  }
  const backend = createLmdbRepoMetaBackend(env);
  const tagTimes = lmdbTagTimes(
    env,
    options.pullSettleMs === undefined ? {} : { pullSettleMs: options.pullSettleMs },
  );
  const { storageSync: syncDb } = env.db;
  let closed = false;
  const live = <T extends object>(store: T): T =>
    new Proxy(store, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          closed
            ? Promise.reject(new MetaStoreError('CLOSED', 'metadata store is closed'))
            : (value as (...a: unknown[]) => unknown).apply(target, args);
      },
    });
  return {
    users: live(lmdbUsers(env)),
    apiKeys: live(lmdbApiKeys(env)),
    sessions: live(lmdbSessions(env)),
    tagTimes: live(tagTimes),
    signatureResults: live(lmdbSignatureResults(env)),
    repos: live(createRepoMetaStore(backend)),
    userPrefs: live(createUserPrefsStore(backend)),
    storageSync: live({
      async all() {
        return new Map([...syncDb.getRange()].map(({ key, value }) => [key, value as string]));
      },
      set: (repository, fingerprint) => writeTx(env, () => void syncDb.put(repository, fingerprint)),
      clear: (repository) => writeTx(env, () => void syncDb.remove(repository)),
    } satisfies StorageSyncStore),
    migration,
    async close() {
      if (closed) return;
      closed = true;
      await tagTimes.flush();
      // lmdb-js waits for the writes already queued before it closes
      await env.close();
    },
  };
}

// The one LMDB file and its named databases, and the schema version check. LMDB (like zot's BoltDB) is a
// copy-on-write B+tree in one memory-mapped file: a transaction commits whole or not at all, a kill -9 leaves the
// last committed state, and several processes may open the file at once (the write lock lives in `<file>-lock`).
//
// Layout (one named database per collection; keys are strings, values msgpack with Dates kept as Dates):
//   meta            schemaVersion, migratedFrom (the first wave's .zot-ts-meta directory, once imported)
//   users           username -> UserRecord
//   apiKeys         id -> ApiKeyRecord          apiKeyByHash  hashedKey -> id
//   sessions        id -> SessionRecord
//   tagTimes        `${repository}\0${tag}` -> TagTimeRecord
//   signatureResults manifest digest -> SignatureResult
//   repos           repository -> RepoMeta      images  digest -> ImageMeta
//   userPrefs       username -> { starred, bookmarked }
//   storageSync     repository -> index.json fingerprint at the last parse

import { MetaStoreError } from '@zot-ts/metastore';
import { type Database, open, type RootDatabase } from 'lmdb';

/** Bump with a migration in `upgrades` below whenever a stored record changes shape. */
export const SCHEMA_VERSION = 1;

export const DATABASE_NAMES = [
  'meta',
  'users',
  'apiKeys',
  'apiKeyByHash',
  'sessions',
  'tagTimes',
  'signatureResults',
  'repos',
  'images',
  'userPrefs',
  'storageSync',
] as const;
export type DatabaseName = (typeof DATABASE_NAMES)[number];

export interface MetaEnv {
  root: RootDatabase;
  db: Record<DatabaseName, Database<unknown, string>>;
  close(): Promise<void>;
}

export interface OpenMetaEnvOptions {
  /** The database file; `<path>-lock` is created beside it. */
  path: string;
  /**
   * Commit without fsync (tests and benchmarks only): a power loss may then lose the last commits, never
   * corrupt the file. A process kill loses nothing either way (the page cache survives it).
   */
  noSync?: boolean;
}

export async function openMetaEnv(options: OpenMetaEnvOptions): Promise<MetaEnv> {
  const root = open<unknown, string>({
    path: options.path,
    // plain msgpack maps: no shared record structures to keep in step between processes
    encoding: 'msgpack',
    useRecords: false,
    maxDbs: 16,
    // 4 GiB of address space; the file only grows as data does
    mapSize: 4 * 1024 ** 3,
    noSync: options.noSync ?? false,
  } as Parameters<typeof open>[0]);
  const db = Object.fromEntries(
    DATABASE_NAMES.map((name) => [
      name,
      root.openDB<unknown, string>({ name, encoding: 'msgpack', useRecords: false } as never),
    ]),
  ) as MetaEnv['db'];
  await checkSchema(db.meta, options.path);
  return {
    root,
    db,
    async close() {
      await root.close();
    },
  };
}

async function checkSchema(meta: Database<unknown, string>, path: string): Promise<void> {
  const stored = meta.get('schemaVersion');
  if (stored === undefined) {
    await meta.put('schemaVersion', SCHEMA_VERSION);
    return;
  }
  if (typeof stored !== 'number' || stored > SCHEMA_VERSION) {
    throw new MetaStoreError(
      'CORRUPT',
      `${path}: metadata schema version ${String(stored)} is newer than this server's (${SCHEMA_VERSION})`,
    );
  }
  // Older versions would be upgraded here, one step at a time, each step in one transaction. Version 1 is the first.
}

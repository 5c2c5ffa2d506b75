// Public API of @zot-ts/metadb: what is not exported here is internal.

export { DATABASE_NAMES, SCHEMA_VERSION } from './lmdb-env.js';
export {
  createLmdbMetaStore,
  DEFAULT_METADB_FILE_NAME,
  type LmdbMetaStore,
  type LmdbMetaStoreOptions,
  metadbPathsUnder,
} from './lmdb-meta-store.js';
export type { MigrationOutcome } from './migrate-file-store.js';

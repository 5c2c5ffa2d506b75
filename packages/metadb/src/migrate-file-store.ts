// Imports the first wave's metadata directory (`<root>/.zot-ts-meta`, one JSON file per collection) into LMDB, once.
// The import and the marker that says it happened commit in one transaction: a crash midway imports again on the
// next start, never half. The directory is left in place (a downgrade can still read it); later changes go to LMDB
// only.
import { readFileMetaDirectory } from '@zot-ts/metastore';
import { writeTx } from './lmdb-collections.js';
import type { MetaEnv } from './lmdb-env.js';

export interface MigrationOutcome {
  migrated: boolean;
  records: number;
}

export async function migrateFileStore(env: MetaEnv, directory: string): Promise<MigrationOutcome> {
  if (env.db.meta.get('migratedFrom') !== undefined) return { migrated: false, records: 0 };
  const snapshot = await readFileMetaDirectory(directory);
  if (!snapshot) return { migrated: false, records: 0 };
  const { db } = env;
  return writeTx(env, () => {
    // another process may have imported it while we read the files
    if (db.meta.get('migratedFrom') !== undefined) return { migrated: false, records: 0 };
    for (const user of snapshot.users) void db.users.put(user.username, user);
    for (const key of snapshot.apiKeys) {
      void db.apiKeys.put(key.id, key);
      void db.apiKeyByHash.put(key.hashedKey, key.id);
    }
    for (const session of snapshot.sessions) void db.sessions.put(session.id, session);
    for (const time of snapshot.tagTimes) void db.tagTimes.put(`${time.repository}\0${time.tag}`, time);
    for (const result of snapshot.signatureResults)
      void db.signatureResults.put(result.manifestDigest, result);
    void db.meta.put('migratedFrom', { directory, at: new Date() });
    const records =
      snapshot.users.length +
      snapshot.apiKeys.length +
      snapshot.sessions.length +
      snapshot.tagTimes.length +
      snapshot.signatureResults.length;
    return { migrated: true, records };
  });
}

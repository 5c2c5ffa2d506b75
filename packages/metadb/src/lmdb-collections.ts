// Users, API keys, sessions and signature results in LMDB (tag times: lmdb-tag-times.ts), with the same behaviour as the
// memory store (the shared contract suite checks it). Each change that reads before it writes runs in one write
// transaction, so two processes (or two requests) never lose each other's update.
import {
  type ApiKeyRecord,
  type ApiKeyStore,
  MetaStoreError,
  type SessionRecord,
  type SessionStore,
  type SignatureResult,
  type SignatureResultStore,
  type UserRecord,
  type UserStore,
} from '@zot-ts/metastore';
import type { MetaEnv } from './lmdb-env.js';

const sortedUnique = (values: string[]): string[] => [...new Set(values)].sort();

/** Runs `fn` in one write transaction; resolves with its result once committed. */
export function writeTx<T>(env: MetaEnv, fn: () => T): Promise<T> {
  return env.root.transaction(fn) as Promise<T>;
}

export function lmdbUsers(env: MetaEnv): UserStore {
  const users = env.db.users;
  return {
    async get(username) {
      return users.get(username) as UserRecord | undefined;
    },
    upsert: (username, profile) =>
      writeTx(env, () => {
        const existing = users.get(username) as UserRecord | undefined;
        const next: UserRecord = {
          ...(existing ?? { username, createdAt: new Date() }),
          groups: sortedUnique(profile.groups),
        };
        void users.put(username, next);
        return next;
      }),
    recordLogin: (username, at) =>
      writeTx(env, () => {
        const existing = (users.get(username) as UserRecord | undefined) ?? {
          username,
          groups: [],
          createdAt: at,
        };
        void users.put(username, { ...existing, lastLoginAt: at });
      }),
  };
}

export function lmdbApiKeys(env: MetaEnv): ApiKeyStore {
  const { apiKeys, apiKeyByHash } = env.db;
  const byHash = (hashedKey: string) => {
    const id = apiKeyByHash.get(hashedKey) as string | undefined;
    return id === undefined ? undefined : (apiKeys.get(id) as ApiKeyRecord | undefined);
  };
  return {
    create: (record) =>
      writeTx(env, () => {
        if (apiKeys.get(record.id) !== undefined || apiKeyByHash.get(record.hashedKey) !== undefined) {
          throw new MetaStoreError('CONFLICT', `api key ${record.id} already exists`);
        }
        void apiKeys.put(record.id, record);
        void apiKeyByHash.put(record.hashedKey, record.id);
      }),
    async listByUser(username) {
      const keys: ApiKeyRecord[] = [];
      for (const { value } of apiKeys.getRange()) {
        const key = value as ApiKeyRecord;
        if (key.username === username) keys.push(key);
      }
      return keys.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    },
    async findByHash(hashedKey) {
      return byHash(hashedKey);
    },
    revoke: (id, owner) =>
      writeTx(env, () => {
        const found = apiKeys.get(id) as ApiKeyRecord | undefined;
        if (!found || (owner && found.username !== owner.username)) return false;
        void apiKeys.remove(id);
        void apiKeyByHash.remove(found.hashedKey);
        return true;
      }),
    touchLastUsed: (hashedKey, at) =>
      writeTx(env, () => {
        const found = byHash(hashedKey);
        if (found) void apiKeys.put(found.id, { ...found, lastUsedAt: at });
      }),
  };
}

export function lmdbSessions(env: MetaEnv): SessionStore {
  const sessions = env.db.sessions;
  return {
    create: (record) =>
      writeTx(env, () => {
        if (sessions.get(record.id) !== undefined)
          throw new MetaStoreError('CONFLICT', 'session id already exists');
        void sessions.put(record.id, record);
      }),
    async get(id, now = new Date()) {
      const found = sessions.get(id) as SessionRecord | undefined;
      if (!found || found.expiresAt.getTime() <= now.getTime()) return undefined;
      return found;
    },
    revoke: (id) =>
      writeTx(env, () => {
        if (sessions.get(id) === undefined) return false;
        void sessions.remove(id);
        return true;
      }),
    purgeExpired: (now) =>
      writeTx(env, () => {
        // collect first: removing while a cursor walks the same database skips entries
        const expired = [...sessions.getRange()]
          .filter(({ value }) => (value as SessionRecord).expiresAt.getTime() <= now.getTime())
          .map(({ key }) => key);
        for (const key of expired) void sessions.remove(key);
        return expired.length;
      }),
  };
}

export function lmdbSignatureResults(env: MetaEnv): SignatureResultStore {
  const results = env.db.signatureResults;
  return {
    async get(manifestDigest) {
      return results.get(manifestDigest) as SignatureResult | undefined;
    },
    async put(result) {
      await results.put(result.manifestDigest, result);
    },
    async delete(manifestDigest) {
      await results.remove(manifestDigest);
    },
  };
}

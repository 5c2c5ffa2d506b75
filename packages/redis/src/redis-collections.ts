// Users, API keys, sessions and signature results on Redis, with the memory store's behaviour (the shared contract
// suite checks it). Every change that reads before it writes is one optimistic transaction (optimistic-tx.ts), so
// two instances never lose each other's update. Keys, under the configured prefix:
//   user:<name>                 apikey:<id>   apikey-hash:<sha256> -> id   apikeys-of:<user> -> set of ids
//   session:<id>   sessions -> set of ids (for purgeExpired)
//   signature:<manifest digest>
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
import type { Redis } from 'ioredis';
import { decodeRecord, encodeRecord } from './json-codec.js';
import type { OptimisticTx, TxView } from './optimistic-tx.js';

const sortedUnique = (values: string[]): string[] => [...new Set(values)].sort();
const decoded = <T>(text: string | undefined | null): T | undefined =>
  text === undefined || text === null ? undefined : decodeRecord<T>(text);

export function redisUsers(engine: OptimisticTx, prefix: string): UserStore {
  const key = (username: string) => `${prefix}user:${username}`;
  return {
    get: (username) => engine.read((view) => decoded<UserRecord>(view.get(key(username)))),
    upsert: (username, profile) =>
      engine.write((view) => {
        const existing = decoded<UserRecord>(view.get(key(username)));
        const next: UserRecord = {
          ...(existing ?? { username, createdAt: new Date() }),
          groups: sortedUnique(profile.groups),
        };
        view.set(key(username), encodeRecord(next));
        return next;
      }),
    recordLogin: (username, at) =>
      engine.write((view) => {
        const existing = decoded<UserRecord>(view.get(key(username))) ?? {
          username,
          groups: [],
          createdAt: at,
        };
        view.set(key(username), encodeRecord({ ...existing, lastLoginAt: at }));
      }),
  };
}

export function redisApiKeys(engine: OptimisticTx, prefix: string): ApiKeyStore {
  const keyOf = (id: string) => `${prefix}apikey:${id}`;
  const hashOf = (hashedKey: string) => `${prefix}apikey-hash:${hashedKey}`;
  const ofUser = (username: string) => `${prefix}apikeys-of:${username}`;
  const byHash = (view: TxView, hashedKey: string) => {
    const id = view.get(hashOf(hashedKey));
    return id === undefined ? undefined : decoded<ApiKeyRecord>(view.get(keyOf(id)));
  };
  return {
    create: (record) =>
      engine.write((view) => {
        if (view.get(keyOf(record.id)) !== undefined || view.get(hashOf(record.hashedKey)) !== undefined) {
          throw new MetaStoreError('CONFLICT', `api key ${record.id} already exists`);
        }
        view.set(keyOf(record.id), encodeRecord(record));
        view.set(hashOf(record.hashedKey), record.id);
        view.sadd(ofUser(record.username), record.id);
      }),
    listByUser: (username) =>
      engine.read((view) =>
        view
          .members(ofUser(username))
          .map((id) => decoded<ApiKeyRecord>(view.get(keyOf(id))))
          .filter((key): key is ApiKeyRecord => key !== undefined && key.username === username)
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()),
      ),
    findByHash: (hashedKey) => engine.read((view) => byHash(view, hashedKey)),
    revoke: (id, owner) =>
      engine.write((view) => {
        const found = decoded<ApiKeyRecord>(view.get(keyOf(id)));
        if (!found || (owner && found.username !== owner.username)) return false;
        view.del(keyOf(id));
        view.del(hashOf(found.hashedKey));
        view.srem(ofUser(found.username), id);
        return true;
      }),
    touchLastUsed: (hashedKey, at) =>
      engine.write((view) => {
        const found = byHash(view, hashedKey);
        if (found) view.set(keyOf(found.id), encodeRecord({ ...found, lastUsedAt: at }));
      }),
  };
}

export function redisSessions(engine: OptimisticTx, prefix: string): SessionStore {
  const keyOf = (id: string) => `${prefix}session:${id}`;
  const all = `${prefix}sessions`;
  return {
    // no Redis expiry on the key: callers pass their own `now` (tests use past times), and purgeExpired, run
    // periodically by the registry, removes ended sessions
    create: (record) =>
      engine.write((view) => {
        if (view.get(keyOf(record.id)) !== undefined)
          throw new MetaStoreError('CONFLICT', 'session id already exists');
        view.set(keyOf(record.id), encodeRecord(record));
        view.sadd(all, record.id);
      }),
    get: (id, now = new Date()) =>
      engine.read((view) => {
        const found = decoded<SessionRecord>(view.get(keyOf(id)));
        if (!found || found.expiresAt.getTime() <= now.getTime()) return undefined;
        return found;
      }),
    revoke: (id) =>
      engine.write((view) => {
        if (view.get(keyOf(id)) === undefined) return false;
        view.del(keyOf(id));
        view.srem(all, id);
        return true;
      }),
    purgeExpired: (now) =>
      engine.write((view) => {
        let purged = 0;
        for (const id of view.members(all)) {
          const session = decoded<SessionRecord>(view.get(keyOf(id)));
          if (session !== undefined && session.expiresAt.getTime() > now.getTime()) continue;
          if (session !== undefined) purged++;
          view.del(keyOf(id));
          view.srem(all, id);
        }
        return purged;
      }),
  };
}

export function redisSignatureResults(redis: Redis, prefix: string): SignatureResultStore {
  const keyOf = (digest: string) => `${prefix}signature:${digest}`;
  return {
    get: async (manifestDigest) => decoded<SignatureResult>(await redis.get(keyOf(manifestDigest))),
    put: async (result) => void (await redis.set(keyOf(result.manifestDigest), encodeRecord(result))),
    delete: async (manifestDigest) => void (await redis.del(keyOf(manifestDigest))),
  };
}

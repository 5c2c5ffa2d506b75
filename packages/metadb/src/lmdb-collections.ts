// Users, API keys, sessions, tag push/pull times and signature results in LMDB, with the same behaviour as the
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
  type TagTimeRecord,
  type TagTimeStore,
  type UserRecord,
  type UserStore,
} from '@zot-ts/metastore';
import type { MetaEnv } from './lmdb-env.js';

const sortedUnique = (values: string[]): string[] => [...new Set(values)].sort();
const tagKey = (repository: string, tag: string): string => `${repository}\0${tag}`;
const isDigest = (reference: string): boolean => reference.includes(':');

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

export interface TagTimesOptions {
  /**
   * Pulls wait this long and share one transaction (default 0: each pull is written at once). Every manifest GET
   * records a pull; a pull time lost in a crash only makes retention keep a tag a little longer.
   */
  pullSettleMs?: number;
}

export function lmdbTagTimes(
  env: MetaEnv,
  options: TagTimesOptions = {},
): TagTimeStore & { flush(): Promise<void> } {
  const tagTimes = env.db.tagTimes;
  const settleMs = options.pullSettleMs ?? 0;
  const ofRepository = (repository: string) =>
    tagTimes
      .getRange({ start: `${repository}\0`, end: `${repository}\u0001` })
      .map(({ key, value }) => ({ key, record: value as TagTimeRecord }));

  // Pulls waiting for their shared write, by repository and reference, in arrival order.
  let pending = new Map<string, { repository: string; reference: string; count: number; at: Date }>();
  interface PendingWrite {
    promise: Promise<void>;
    resolve: () => void;
    reject: (error: unknown) => void;
    timer: NodeJS.Timeout;
  }
  let pendingWrite: PendingWrite | undefined;
  const applyPull = (repository: string, reference: string, count: number, at: Date): void => {
    const matches = isDigest(reference)
      ? [...ofRepository(repository)].filter(({ record }) => record.digest === reference)
      : [tagTimes.get(tagKey(repository, reference)) as TagTimeRecord | undefined]
          .filter((record) => record !== undefined)
          .map((record) => ({ key: tagKey(repository, reference), record }));
    for (const { key, record } of matches) {
      void tagTimes.put(key, { ...record, lastPulledAt: at, pullCount: record.pullCount + count });
    }
  };
  /** Issues the pending pulls' transaction now (before any write issued after this call). */
  const flushPulls = (): Promise<void> => {
    if (!pendingWrite) return Promise.resolve();
    const { promise, resolve, reject, timer } = pendingWrite;
    clearTimeout(timer);
    pendingWrite = undefined;
    const batch = pending;
    pending = new Map();
    writeTx(env, () => {
      for (const pull of batch.values()) applyPull(pull.repository, pull.reference, pull.count, pull.at);
    }).then(resolve, reject);
    return promise;
  };

  return {
    recordPush: (repository, tag, digest, at) => {
      void flushPulls(); // pulls recorded before this push count for the digest they saw
      return writeTx(env, () => {
        const existing = tagTimes.get(tagKey(repository, tag)) as TagTimeRecord | undefined;
        const next: TagTimeRecord = { repository, tag, digest, pushedAt: at, pullCount: 0 };
        // A re-push of the same digest keeps the pull history; a new digest starts afresh.
        if (existing?.digest === digest) {
          next.pullCount = existing.pullCount;
          if (existing.lastPulledAt) next.lastPulledAt = existing.lastPulledAt;
        }
        void tagTimes.put(tagKey(repository, tag), next);
      });
    },
    recordPull(repository, reference, at) {
      if (settleMs === 0) return writeTx(env, () => applyPull(repository, reference, 1, at));
      const key = tagKey(repository, reference);
      const seen = pending.get(key);
      if (seen) {
        seen.count++;
        seen.at = at;
      } else pending.set(key, { repository, reference, count: 1, at });
      if (!pendingWrite) {
        let resolve: () => void = () => undefined;
        let reject: (error: unknown) => void = () => undefined;
        const promise = new Promise<void>((onDone, onError) => {
          resolve = onDone;
          reject = onError;
        });
        const timer = setTimeout(flushPulls, settleMs);
        timer.unref(); // close() flushes what is left
        pendingWrite = { promise, resolve, reject, timer };
      }
      return pendingWrite.promise;
    },
    async list(repository) {
      await flushPulls();
      return [...ofRepository(repository)].map(({ record }) => record);
    },
    forget: (repository, tag) => {
      void flushPulls();
      return writeTx(env, () => {
        void tagTimes.remove(tagKey(repository, tag));
      });
    },
    /** Issues the pending pulls now (close() calls it before the database closes). */
    flush: flushPulls,
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

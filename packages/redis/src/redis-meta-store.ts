// The MetaStore on a shared Redis: one truth for every registry instance (users, API keys, sessions, tag times,
// repository and image metadata, stars and bookmarks, signature results). Every key starts with the configured
// prefix, so several registries (or tests) can share one Redis.
//
// No storageSync: its fingerprints say "metadata matched storage when this instance stopped", which does not hold
// when other instances keep writing; without it every instance re-reads the repositories on start (zot's
// ParseStorage), and the writes that re-read makes are idempotent.
import { createRepoMetaStore, createUserPrefsStore, type MetaStore, MetaStoreError } from '@zot-ts/metastore';
import { Redis } from 'ioredis';
import { createOptimisticTx } from './optimistic-tx.js';
import { redisApiKeys, redisSessions, redisSignatureResults, redisUsers } from './redis-collections.js';
import { createRedisRepoMetaBackend } from './redis-repo-backend.js';
import { redisTagTimes } from './redis-tag-times.js';

export interface RedisMetaStoreOptions {
  /** redis://[user:password@]host:port[/db], or rediss:// for TLS. */
  url: string;
  /** Put before every key (zot's keyprefix); default "zot". A ':' is added when missing. */
  keyPrefix?: string;
  /** Tag pulls share one write per repository per this many ms (default 0); the registry batches them. */
  pullSettleMs?: number;
}

export interface RedisMetaStore extends MetaStore {
  /** The connection, for callers that share it (locks, the GC lease). */
  redis: Redis;
  /** The prefix every key starts with, ':' included. */
  prefix: string;
}

export function normaliseKeyPrefix(keyPrefix: string | undefined): string {
  const prefix = keyPrefix === undefined || keyPrefix === '' ? 'zot' : keyPrefix;
  return prefix.endsWith(':') ? prefix : `${prefix}:`;
}

/** Opens a connection and checks that Redis answers (a wrong URL fails here, not at the first push). */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true });
  // ioredis reconnects by itself; a command that fails while Redis is away rejects to its caller (a push then
  // fails with a 500 rather than silently skipping a lock), so the connection's own error events are not fatal
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(
      `cannot reach redis at ${redactUrl(url)}: ${error instanceof Error ? error.message : error}`,
    );
  }
  return redis;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable url)';
  }
}

export async function createRedisMetaStore(options: RedisMetaStoreOptions): Promise<RedisMetaStore> {
  const redis = await connectRedis(options.url);
  const prefix = normaliseKeyPrefix(options.keyPrefix);
  const engine = createOptimisticTx(redis);
  const backend = createRedisRepoMetaBackend(engine, prefix);
  const tagTimes = redisTagTimes(
    engine,
    prefix,
    options.pullSettleMs === undefined ? {} : { pullSettleMs: options.pullSettleMs },
  );
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
    redis,
    prefix,
    users: live(redisUsers(engine, prefix)),
    apiKeys: live(redisApiKeys(engine, prefix)),
    sessions: live(redisSessions(engine, prefix)),
    tagTimes: live(tagTimes),
    signatureResults: live(redisSignatureResults(redis, prefix)),
    repos: live(createRepoMetaStore(backend)),
    userPrefs: live(createUserPrefsStore(backend)),
    async close() {
      if (closed) return;
      closed = true;
      await tagTimes.flush().catch(() => undefined);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

// Several stateless instances behind a load balancer, sharing one storage and one Redis (docs/scale-out.md).
// zot's switches, read as zot reads them:
// - `storage.cacheDriver: {name: "redis", url, keyprefix}` with `storage.remoteCache` (zot's meta.New uses the
//   remote cache for its MetaDB only when remoteCache is true; it defaults to true on remote storage, so a local
//   root needs it set): the MetaStore lives in Redis, and so do the repository/digest/upload locks and the GC
//   lease. The single-node default (local disk + LMDB, in-process locks) is untouched when this is absent.
// - `http.auth.sessionDriver: {name: "redis", url, keyprefix}` (zot's default prefix "zotsession"): sessions live
//   in Redis, whatever holds the rest of the metadata.
// Session cookies are sealed with keys; without http.auth.sessionKeysFile each process would make its own and a
// cookie from one instance would not open on another, so when sessions are in Redis the keys are too (made once by
// the first instance, SET NX).
import { randomBytes } from 'node:crypto';
import type { SessionKeys } from '@zot-ts/auth';
import { parseDuration, type ZotConfig } from '@zot-ts/config';
import type { SessionStore } from '@zot-ts/metastore';
// types only: the Redis client (ioredis) is loaded when a redis driver is configured, not by every server
import type { GcLease, RedisLocks, RedisMetaStore } from '@zot-ts/redis';
import type { Redis } from 'ioredis';
import type { Logger } from '../log-sink.js';

export interface ScaleOut {
  /** The shared MetaStore, when the cacheDriver is redis (else the embedded LMDB one is used). */
  metaStore?: RedisMetaStore;
  locks?: RedisLocks;
  /** Lets one instance at a time run GC, retention and scrub. */
  lease?: GcLease;
  /** Where sessions live and the keys that seal their cookies, when they are shared. */
  sessions?: { store: SessionStore; keys: SessionKeys };
  close(): Promise<void>;
}

type DriverBlock = { name: string; [parameter: string]: unknown };

/** A connection URL from zot's redis parameters: `url`, or one `addr` with username, password and db. */
export function redisUrlOf(driver: DriverBlock): string {
  if (typeof driver.url === 'string') return driver.url;
  const addr = Array.isArray(driver.addr) ? driver.addr[0] : driver.addr;
  if (typeof addr !== 'string') throw new Error(`${driver.name} driver: neither url nor addr is set`);
  const url = new URL(`redis://${addr}`);
  if (typeof driver.username === 'string') url.username = driver.username;
  if (typeof driver.password === 'string') url.password = driver.password;
  if (typeof driver.db === 'number') url.pathname = `/${driver.db}`;
  return url.toString();
}

const stringParameter = (driver: DriverBlock, name: string): string | undefined =>
  typeof driver[name] === 'string' ? (driver[name] as string) : undefined;

/** The redis cacheDriver that holds the metadata and locks, or undefined (zot: only with remoteCache). */
export function sharedCacheDriverOf(config: ZotConfig, logger?: Logger): DriverBlock | undefined {
  const driver = config.storage.cacheDriver;
  if (driver?.name !== 'redis') return undefined;
  if (config.storage.remoteCache) return driver;
  logger?.warn(
    'storage.cacheDriver redis is not used: storage.remoteCache is false (zot uses it only when true)',
    {
      module: 'scale-out',
    },
  );
  return undefined;
}

export async function composeScaleOut(config: ZotConfig, logger: Logger): Promise<ScaleOut> {
  const opened: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const step of opened.reverse()) await step().catch(() => undefined);
  };
  const result: ScaleOut = { close };
  const cache = sharedCacheDriverOf(config, logger);
  const sessionDriver = config.http.auth?.sessionDriver;
  if (cache === undefined && sessionDriver?.name !== 'redis') return result;
  const { connectRedis, createGcLease, createRedisLocks, createRedisMetaStore } = await import(
    '@zot-ts/redis'
  );
  try {
    if (cache !== undefined) {
      const url = redisUrlOf(cache);
      const metaStore = await createRedisMetaStore({
        url,
        keyPrefix: stringParameter(cache, 'keyprefix') ?? 'zot',
        // every manifest GET records a pull time: batch those writes, as the embedded store does
        pullSettleMs: 1000,
      });
      opened.push(() => metaStore.close());
      const subscriber = await connectRedis(url);
      opened.push(async () => void subscriber.disconnect());
      // zot-ts's own knob (zot has no such key): how long a dead instance's locks outlive it. Default 30s.
      const lockTtl = stringParameter(cache, 'lockttl');
      const locks = await createRedisLocks({
        redis: metaStore.redis,
        subscriber,
        prefix: metaStore.prefix,
        ...(lockTtl === undefined ? {} : { ttlMs: parseDuration(lockTtl) }),
      });
      opened.push(() => locks.close());
      const lease = createGcLease({ redis: metaStore.redis, prefix: metaStore.prefix });
      opened.push(() => lease.close());
      Object.assign(result, { metaStore, locks, lease });
      logger.info('scale-out: metadata, locks and the GC lease in redis', {
        module: 'scale-out',
        keyprefix: metaStore.prefix,
      });
    }
    if (sessionDriver?.name === 'redis') {
      const sessionStore = await createRedisMetaStore({
        url: redisUrlOf(sessionDriver),
        keyPrefix: stringParameter(sessionDriver, 'keyprefix') ?? 'zotsession',
      });
      opened.push(() => sessionStore.close());
      result.sessions = {
        store: sessionStore.sessions,
        keys: await sharedSessionKeys(sessionStore.redis, sessionStore.prefix),
      };
    } else if (result.metaStore !== undefined && config.http.auth?.sessionKeysFile === undefined) {
      result.sessions = {
        store: result.metaStore.sessions,
        keys: await sharedSessionKeys(result.metaStore.redis, result.metaStore.prefix),
      };
    }
    return result;
  } catch (error) {
    await close();
    throw error;
  }
}

/** The cookie keys every instance uses: made by the first one to ask, kept in Redis. */
async function sharedSessionKeys(redis: Redis, prefix: string): Promise<SessionKeys> {
  const key = `${prefix}session-cookie-keys`;
  const fresh = JSON.stringify({
    hashKey: randomBytes(64).toString('base64'),
    encryptKey: randomBytes(32).toString('base64'),
  });
  await redis.set(key, fresh, 'NX');
  const stored = JSON.parse((await redis.get(key)) ?? fresh) as { hashKey: string; encryptKey: string };
  return {
    hashKey: Buffer.from(stored.hashKey, 'base64'),
    encryptKey: Buffer.from(stored.encryptKey, 'base64'),
  };
}

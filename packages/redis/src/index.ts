// Public API of @zot-ts/redis: what is not exported here is internal.

export { createGcLease, type GcLease, type GcLeaseOptions } from './leader-lease.js';
export { createRedisLocks, LockLostError, type RedisLocks, type RedisLocksOptions } from './redis-locks.js';
export {
  connectRedis,
  createRedisMetaStore,
  normaliseKeyPrefix,
  type RedisMetaStore,
  type RedisMetaStoreOptions,
  redactUrl,
} from './redis-meta-store.js';

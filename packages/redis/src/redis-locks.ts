// oci-store's Locks on a shared Redis, so that instances sharing one storage root (or bucket) serialise
// index.json updates per repository, blob placement per digest and upload sessions per key.
//
// - Acquire: one Lua step takes lock:<key> when free (PX ttl) and stores in it a fencing token from
//   INCR fence:<key> (monotonic per key, never reused). Waiting is first in-process (one queue per key, FIFO, so one instance never
//   sends more than one contender per key to Redis), then across instances: woken by a pub/sub message on release,
//   or by a jittered backoff (a lost message, or a holder that died, costs at most one backoff step).
// - Hold: renewed every ttl/3 while the work runs (a long push keeps its lock); the renewal is a compare-and-
//   PEXPIRE by token, so it never extends someone else's lock.
// - Release: compare-and-delete by token in Lua, then a publish. A dead instance's lock expires after `ttlMs`.
// - Fencing: a holder whose lock expired (a long pause, a partition) must not commit over a newer holder's write.
//   `checkFence(repository)`, called by the store right before it replaces index.json, runs one Lua script that
//   succeeds only while lock:<key> still holds this holder's token, and records the token as the repository's
//   committed generation (fenced:<key>), refusing a token older than one already committed. Residual window: the
//   check and the file rename are two steps; a holder that stalls longer than the remaining ttl between them can
//   still write after its lock expired. The ttl (30 s) dwarfs that step (one rename, milliseconds); storage that
//   offers conditional writes (S3 If-Match) can close it fully by writing with the generation as a precondition.
import { randomUUID } from 'node:crypto';
import { createInProcessLocks, type Locks } from '@zot-ts/oci-store';
import type { Redis } from 'ioredis';

export interface RedisLocksOptions {
  /** Commands; its connection stays in normal mode. */
  redis: Redis;
  /** A second connection for SUBSCRIBE (Redis puts a subscribing connection in a mode of its own). */
  subscriber: Redis;
  /** Key prefix (':' included). */
  prefix: string;
  /** How long a lock outlives its holder's last renewal. Default 30 s. */
  ttlMs?: number;
  /** Longest pause between two tries while waiting. Default 200 ms. */
  maxBackoffMs?: number;
}

export interface RedisLocks extends Locks {
  /**
   * Throws LockLostError unless this process still holds the lock of `repository` (call it only inside
   * withRepoLock of `repository`: the check is per process, not per caller); records its token as the
   * repository's committed generation.
   */
  checkFence(repository: string): Promise<void>;
  /** Stops renewals and the subscription (held locks then expire). */
  close(): Promise<void>;
}

export class LockLostError extends Error {
  readonly code = 'LOCK_LOST';
}

// KEYS: lock, fence counter. ARGV: ttl. Takes the lock when free and gives it the next fencing token, in one
// step: a token drawn before waiting would be older than one drawn by a later arrival that got the lock first.
const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token, 'PX', ARGV[1])
return token`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1]); redis.call('PUBLISH', KEYS[2], ARGV[1]); return 1
end
return 0`;
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
// KEYS: lock, fence generation. ARGV: token.
const FENCE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local committed = tonumber(redis.call('GET', KEYS[2]) or '0')
if tonumber(ARGV[1]) < committed then return -1 end
redis.call('SET', KEYS[2], ARGV[1])
return 1`;

export async function createRedisLocks(options: RedisLocksOptions): Promise<RedisLocks> {
  const { redis, subscriber, prefix } = options;
  const ttlMs = options.ttlMs ?? 30_000;
  const maxBackoffMs = options.maxBackoffMs ?? 200;
  const local = createInProcessLocks();
  const instance = randomUUID();
  // the token of each key this process holds, for checkFence: in-process holders of one key take turns
  // (`local`), so a key has one holder here at a time. Not an AsyncLocalStorage: in Node 20 an active one makes
  // every promise of the process pay for async-context tracking (about 30% of a manifest GET).
  const held = new Map<string, { token: string; lost: boolean }>();
  const waiters = new Map<string, Set<() => void>>();
  const channelPrefix = `${prefix}unlock:`;
  await subscriber.psubscribe(`${channelPrefix}*`);
  subscriber.on('pmessage', (_pattern: string, channel: string) => {
    for (const wake of waiters.get(channel.slice(channelPrefix.length)) ?? []) wake();
  });

  /** Resolves after a release of `key` is announced, or after `ms`, whichever comes first. */
  const waitForRelease = (key: string, ms: number): Promise<void> =>
    new Promise((resolve) => {
      const set = waiters.get(key) ?? new Set();
      waiters.set(key, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });

  async function acquire(key: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const token = (await redis.eval(
        ACQUIRE,
        2,
        `${prefix}lock:${key}`,
        `${prefix}fence:${key}`,
        ttlMs,
      )) as number;
      if (token !== 0) return String(token);
      const backoff = Math.min(maxBackoffMs, 5 * 2 ** Math.min(attempt, 6));
      await waitForRelease(key, backoff / 2 + Math.random() * (backoff / 2));
    }
  }

  async function withRedisLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    return local.withKeyLock(key, async () => {
      const token = await acquire(key);
      const lockKey = `${prefix}lock:${key}`;
      const state = { token, lost: false };
      const renewal = setInterval(
        () => {
          redis.eval(RENEW, 1, lockKey, token, ttlMs).then(
            (renewed) => {
              if (renewed !== 1) state.lost = true;
            },
            () => undefined, // a failed renewal is retried at the next tick; the fence catches a real loss
          );
        },
        Math.max(50, Math.floor(ttlMs / 3)),
      );
      renewal.unref();
      held.set(key, state);
      try {
        return await work();
      } finally {
        if (held.get(key) === state) held.delete(key);
        clearInterval(renewal);
        await redis.eval(RELEASE, 2, lockKey, `${channelPrefix}${key}`, token).catch(() => undefined);
      }
    });
  }

  return {
    withKeyLock: withRedisLock,
    withRepoLock: (repository, work) => withRedisLock(`repo:${repository}`, work),
    withDigestLock: (digest, work) => withRedisLock(`digest:${digest}`, work),
    async checkFence(repository) {
      const key = `repo:${repository}`;
      const state = held.get(key);
      if (state === undefined) throw new LockLostError(`the lock of ${repository} is not held here`);
      const outcome = await redis.eval(
        FENCE,
        2,
        `${prefix}lock:${key}`,
        `${prefix}fenced:${key}`,
        state.token,
      );
      if (outcome !== 1) {
        state.lost = true;
        throw new LockLostError(
          `the lock of ${repository} expired while held (instance ${instance}, token ${state.token}): write refused`,
        );
      }
    },
    async close() {
      await subscriber.punsubscribe().catch(() => undefined);
    },
  };
}

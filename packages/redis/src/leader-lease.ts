// One elected instance at a time runs GC, retention and scrub: a lease in Redis (lease:<name> -> instance id,
// with a ttl) that its holder renews every ttl/3 while it lives. Any instance may win it when it is free; the
// holder keeps it (passes stay on one instance, its caches warm) until it stops renewing: it closed (it gives the
// lease up at once) or died (the lease expires after `ttlMs` and the next instance to try takes over).
// A pass starts only on the holder; if the lease is lost during a pass (a partition, a long pause), the pass's
// signal aborts. Two passes can then overlap for at most the time the old holder needs to notice (one renewal
// step); every deletion they make still happens under the repository and digest locks, so the overlap is safe.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface GcLeaseOptions {
  redis: Redis;
  /** Key prefix (':' included). */
  prefix: string;
  /** Default 15 s. */
  ttlMs?: number;
  /** For logs and tests; default a random UUID. */
  instanceId?: string;
}

export interface GcLease {
  readonly instanceId: string;
  /** Runs `work` when this instance holds (or can take) the lease of `name`; otherwise resolves `{ ran: false }`. */
  runExclusive(
    name: string,
    work: (signal: AbortSignal) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<{ ran: boolean }>;
  /** Gives up every lease held. */
  close(): Promise<void>;
}

// Take the lease when free, or extend it when ours. ARGV: instance id, ttl.
const ACQUIRE = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]); return 1 end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]); return 1`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export function createGcLease(options: GcLeaseOptions): GcLease {
  const { redis, prefix } = options;
  const ttlMs = options.ttlMs ?? 15_000;
  const instanceId = options.instanceId ?? randomUUID();
  // leases this instance holds, each with its renewal timer and the passes to abort if it is lost
  const held = new Map<string, { timer: NodeJS.Timeout; onLost: Set<() => void> }>();
  const keyOf = (name: string) => `${prefix}lease:${name}`;

  const tryAcquire = async (name: string): Promise<boolean> =>
    (await redis.eval(ACQUIRE, 1, keyOf(name), instanceId, ttlMs)) === 1;

  function keep(name: string): { onLost: Set<() => void> } {
    const existing = held.get(name);
    if (existing) return existing;
    const onLost = new Set<() => void>();
    const timer = setInterval(
      () => {
        tryAcquire(name).then(
          (ours) => {
            if (ours) return;
            clearInterval(timer);
            held.delete(name);
            for (const lost of onLost) lost();
          },
          () => undefined, // Redis unreachable for a moment: the next renewal tries again before the ttl ends
        );
      },
      Math.max(50, Math.floor(ttlMs / 3)),
    );
    timer.unref();
    const entry = { timer, onLost };
    held.set(name, entry);
    return entry;
  }

  return {
    instanceId,
    async runExclusive(name, work, signal) {
      if (!(await tryAcquire(name))) return { ran: false };
      const { onLost } = keep(name);
      const lost = new AbortController();
      const abort = () => lost.abort(new Error(`lease ${name} lost by instance ${instanceId}`));
      onLost.add(abort);
      try {
        await work(signal === undefined ? lost.signal : AbortSignal.any([signal, lost.signal]));
        return { ran: true };
      } finally {
        onLost.delete(abort);
      }
    },
    async close() {
      for (const [name, { timer }] of held) {
        clearInterval(timer);
        await redis.eval(RELEASE, 1, keyOf(name), instanceId).catch(() => undefined);
      }
      held.clear();
    },
  };
}

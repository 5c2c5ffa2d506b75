// Checks a password against a bcrypt hash, the way a registry under attack needs it:
// - a successful check is remembered for a short time, keyed by sha256(user, password, hash), so the
//   hundreds of requests of one `docker push` pay bcrypt once, and a correct password already verified is
//   answered before any queue (changing the hash in the htpasswd file changes the key, so a changed password
//   is never served from the cache; the cache holds digests, never passwords);
// - a failed check is remembered the same way, so repeating a wrong password costs no bcrypt;
// - identical checks in flight share one comparison (40 parallel logins of one user with nothing cached
//   cost one bcrypt, and none is refused);
// - comparisons run on worker threads, taking turns between client addresses and, inside one, between
//   usernames (fair-limiter.ts); only a flooding address has attempts refused ('busy'), the oldest first, so
//   a correct password arriving after a burst of wrong ones is queued, not refused;
// - an unknown user costs no bcrypt at all: the answer waits as long as a real comparison typically takes
//   (`unknownUser`), so timing does not tell who exists and fake usernames cannot occupy the workers.
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import bcrypt from 'bcryptjs';
import { type BcryptWorkerPool, createBcryptWorkerPool } from './bcrypt-workers.js';
import { createFairLimiter, LimiterBusyError } from './fair-limiter.js';

export type PasswordCheck = 'match' | 'mismatch' | 'busy';

export interface PasswordVerifierOptions {
  /** Worker threads for bcrypt; 0 runs bcryptjs' async API on the main thread. Default: cores - 1, 1 to 4. */
  workers?: number;
  /**
   * Comparisons one client address may have waiting. Past that, the oldest waiting one of its busiest user is
   * refused as 'busy' and the newcomer queued (a flood from one address; other addresses keep their turns).
   * Default 64.
   */
  maxQueuedPerSource?: number;
  /** How long a successful check is remembered. Default 60 s; 0 disables the cache. */
  cacheTtlMs?: number;
  /** How long a failed check is remembered. Default 10 min; 0 disables it. */
  failureTtlMs?: number;
  cacheMaxEntries?: number;
  now?: () => number;
  sleep?: (milliseconds: number) => Promise<void>;
}

export interface PasswordVerifier {
  /** `source` is the client address (fairness and the flood bound); '' when unknown. */
  verify(username: string, password: string, hash: string, source?: string): Promise<PasswordCheck>;
  /** For a user that does not exist: 'mismatch' after about one comparison's time, with no comparison. */
  unknownUser(): Promise<'mismatch'>;
  /** Tells the verifier what one comparison costs here (milliseconds), before real ones have been timed. */
  calibrate(milliseconds: number): void;
  close(): Promise<void>;
}

/** A bounded map of key -> expiry; Map order is insertion order, so the first entries are the oldest. */
function expiringSet(ttlMs: number, maxEntries: number, now: () => number) {
  const entries = new Map<string, number>();
  return {
    has(key: string): boolean {
      const expiry = entries.get(key);
      if (expiry === undefined) return false;
      if (expiry > now()) return true;
      entries.delete(key);
      return false;
    },
    add(key: string): void {
      if (ttlMs <= 0) return;
      entries.delete(key);
      entries.set(key, now() + ttlMs);
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
    clear: () => entries.clear(),
  };
}

const defaultSleep = (milliseconds: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

export function createPasswordVerifier(options: PasswordVerifierOptions = {}): PasswordVerifier {
  const workerCount = options.workers ?? Math.min(4, Math.max(1, availableParallelism() - 1));
  const pool: BcryptWorkerPool | undefined =
    workerCount > 0 ? createBcryptWorkerPool(workerCount) : undefined;
  const limiter = createFairLimiter({
    concurrency: pool?.size ?? 1,
    maxQueuedPerSource: options.maxQueuedPerSource ?? 64,
  });
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const maxEntries = options.cacheMaxEntries ?? 10_000;
  const successes = expiringSet(options.cacheTtlMs ?? 60_000, maxEntries, now);
  const failures = expiringSet(options.failureTtlMs ?? 600_000, maxEntries, now);
  const inFlight = new Map<string, Promise<boolean>>();
  /** Moving average of one comparison's own time (not its wait), for unknown users' answers. */
  let typicalMs: number | undefined;

  const compare = (password: string, hash: string): Promise<boolean> =>
    pool ? pool.compare(password, hash) : bcrypt.compare(password, hash).catch(() => false);

  const timedCompare = async (password: string, hash: string): Promise<boolean> => {
    const started = performance.now();
    const matches = await compare(password, hash);
    const took = performance.now() - started;
    typicalMs = typicalMs === undefined ? took : typicalMs * 0.9 + took * 0.1;
    return matches;
  };

  const unknownUser = async (): Promise<'mismatch'> => {
    await sleep(typicalMs ?? 0);
    return 'mismatch';
  };

  return {
    async verify(username, password, hash, source = '') {
      const cacheKey = createHash('sha256')
        .update(username)
        .update('\0')
        .update(password)
        .update('\0')
        .update(hash)
        .digest('hex');
      if (successes.has(cacheKey)) return 'match';
      // a remembered failure waits like a comparison: an instant answer would tell real users from unknown ones
      if (failures.has(cacheKey)) return unknownUser();
      let pending = inFlight.get(cacheKey);
      if (pending === undefined) {
        pending = limiter.run(source, username, () => timedCompare(password, hash));
        inFlight.set(cacheKey, pending);
        const forget = () => inFlight.delete(cacheKey);
        pending.then(forget, forget);
      }
      let matches: boolean;
      try {
        matches = await pending;
      } catch (error) {
        if (error instanceof LimiterBusyError) return 'busy';
        throw error;
      }
      if (!matches) {
        failures.add(cacheKey);
        return 'mismatch';
      }
      successes.add(cacheKey);
      return 'match';
    },
    unknownUser,
    calibrate(milliseconds) {
      typicalMs ??= milliseconds;
    },
    async close() {
      successes.clear();
      failures.clear();
      await pool?.close();
    },
  };
}

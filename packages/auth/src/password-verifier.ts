// Checks a password against a bcrypt hash, the way a registry needs it:
// - a successful check is remembered for a short time, keyed by sha256(user, password, hash), so the
//   hundreds of requests of one `docker push` pay bcrypt once (changing the hash in the htpasswd file
//   changes the key, so a changed password is never served from the cache);
// - comparisons run on worker threads, a few at a time, taking turns between usernames, with a bound on
//   what one username may queue: 1,000 wrong passwords for one user do not stop another user's login.
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import bcrypt from 'bcryptjs';
import { type BcryptWorkerPool, createBcryptWorkerPool } from './bcrypt-workers.js';
import { createFairLimiter, LimiterBusyError } from './fair-limiter.js';

export type PasswordCheck = 'match' | 'mismatch' | 'busy';

export interface PasswordVerifierOptions {
  /** Worker threads for bcrypt; 0 runs bcryptjs' async API on the main thread. Default: cores - 1, 1 to 4. */
  workers?: number;
  /** Comparisons one username may have waiting; more are refused as 'busy'. Default 16. */
  maxQueuedPerUser?: number;
  /** How long a successful check is remembered. Default 60 s; 0 disables the cache. */
  cacheTtlMs?: number;
  cacheMaxEntries?: number;
  now?: () => number;
}

export interface PasswordVerifier {
  verify(username: string, password: string, hash: string): Promise<PasswordCheck>;
  close(): Promise<void>;
}

export function createPasswordVerifier(options: PasswordVerifierOptions = {}): PasswordVerifier {
  const workerCount = options.workers ?? Math.min(4, Math.max(1, availableParallelism() - 1));
  const pool: BcryptWorkerPool | undefined =
    workerCount > 0 ? createBcryptWorkerPool(workerCount) : undefined;
  const limiter = createFairLimiter({
    concurrency: pool?.size ?? 1,
    maxQueuedPerKey: options.maxQueuedPerUser ?? 16,
  });
  const cacheTtlMs = options.cacheTtlMs ?? 60_000;
  const cacheMaxEntries = options.cacheMaxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  /** key -> expiry time; Map order is insertion order, so the first entries are the oldest. */
  const successes = new Map<string, number>();

  const compare = (password: string, hash: string): Promise<boolean> =>
    pool ? pool.compare(password, hash) : bcrypt.compare(password, hash).catch(() => false);

  return {
    async verify(username, password, hash) {
      const cacheKey = createHash('sha256')
        .update(username)
        .update('\0')
        .update(password)
        .update('\0')
        .update(hash)
        .digest('hex');
      const expiry = successes.get(cacheKey);
      if (expiry !== undefined) {
        if (expiry > now()) return 'match';
        successes.delete(cacheKey);
      }
      let matches: boolean;
      try {
        matches = await limiter.run(username, () => compare(password, hash));
      } catch (error) {
        if (error instanceof LimiterBusyError) return 'busy';
        throw error;
      }
      if (!matches) return 'mismatch';
      if (cacheTtlMs > 0) {
        successes.set(cacheKey, now() + cacheTtlMs);
        while (successes.size > cacheMaxEntries) {
          const oldest = successes.keys().next();
          if (oldest.done) break;
          successes.delete(oldest.value);
        }
      }
      return 'match';
    },
    async close() {
      successes.clear();
      await pool?.close();
    },
  };
}

// Token buckets keyed by caller, as zot's limiter (didip/tollbooth v7 over golang.org/x/time/rate): a bucket
// holds at most `burst` tokens (tollbooth: max(1, rate)), refills at `rate` tokens per second, and a request
// takes one token or is refused. Framework-free and allocation-light: one Map lookup and a little arithmetic
// per request. Memory is bounded: a bucket left alone long enough to be full again is the same as no bucket,
// so those are swept, and beyond `maxKeys` the oldest buckets go (a dropped caller just starts full again).

export interface BucketOptions {
  /** Tokens per second. */
  rate: number;
  /** Most tokens a bucket holds; default max(1, rate) as tollbooth. */
  burst?: number;
  /** Most callers tracked at once; default 100 000 (about 10 MB). */
  maxKeys?: number;
  /** Clock in milliseconds; default performance.now. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, in ms. */
  at: number;
}

export interface TokenBuckets {
  readonly rate: number;
  readonly burst: number;
  /** The clock the buckets use (ms): read it once per request and pass it to the calls below. */
  now(): number;
  /** Whether `key` may go ahead at `at`, without taking a token. */
  wouldAdmit(key: string, at: number): boolean;
  /** Takes a token for `key`; call only after every limiter that applies admitted the request. */
  take(key: string, at: number): void;
  /** Seconds until `key` has a whole token again (at least 1: Retry-After is whole seconds). */
  retryAfterSeconds(key: string, at: number): number;
  /** Callers currently tracked (tests, diagnostics). */
  readonly size: number;
  /** Drops buckets that are full again; runs by itself as the map grows. */
  sweep(): void;
}

export function createTokenBuckets(options: BucketOptions): TokenBuckets {
  const rate = options.rate;
  const burst = options.burst ?? Math.max(1, rate);
  const maxKeys = options.maxKeys ?? 100_000;
  const now = options.now ?? (() => performance.now());
  const perMs = rate / 1000;
  // a bucket untouched this long has refilled completely and can be forgotten
  const refillMs = burst / perMs;
  const buckets = new Map<string, Bucket>();
  let nextSweepSize = Math.min(1024, maxKeys);

  function tokensOf(key: string, at: number): number {
    const bucket = buckets.get(key);
    if (bucket === undefined) return burst;
    return Math.min(burst, bucket.tokens + (at - bucket.at) * perMs);
  }

  function sweep(): void {
    const at = now();
    for (const [key, bucket] of buckets) if (at - bucket.at >= refillMs) buckets.delete(key);
    // still too many busy callers (a flood from many addresses): forget the oldest, they start full again
    if (buckets.size > maxKeys) {
      let excess = buckets.size - maxKeys;
      for (const key of buckets.keys()) {
        if (excess-- <= 0) break;
        buckets.delete(key);
      }
    }
    nextSweepSize = Math.min(Math.max(1024, buckets.size * 2), maxKeys + 1);
  }

  return {
    rate,
    burst,
    now,
    wouldAdmit(key, at) {
      return tokensOf(key, at) >= 1;
    },
    take(key, at) {
      const tokens = tokensOf(key, at) - 1;
      const bucket = buckets.get(key);
      if (bucket === undefined) {
        buckets.set(key, { tokens, at });
        if (buckets.size >= nextSweepSize) sweep();
      } else {
        bucket.tokens = tokens;
        bucket.at = at;
      }
    },
    retryAfterSeconds(key, at) {
      const missing = 1 - tokensOf(key, at);
      return Math.max(1, Math.ceil(missing / rate));
    },
    get size() {
      return buckets.size;
    },
    sweep,
  };
}

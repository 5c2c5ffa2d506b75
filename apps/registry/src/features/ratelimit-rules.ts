// http.ratelimit as zot applies it (pkg/api/session.go): one limiter for `rate` over every request, and one
// limiter per `methods[]` entry over requests of that method; a request goes ahead only when every limiter
// that applies to it admits it (zot stacks them as middlewares, so the strictest wins). Each limiter keeps
// a bucket per caller: the client address (IPv6 by its /64, as tollbooth) or, once authenticated, the user.
import { isIPv6 } from 'node:net';
import { createTokenBuckets, type TokenBuckets } from './ratelimit-buckets.js';

export interface RateLimitRules {
  /** Requests per second over all methods, per caller. */
  rate?: number;
  /** Requests per second of one method, per caller. */
  methods?: ReadonlyArray<{ method: string; rate: number }>;
  /** Clock for tests, in ms. */
  now?: () => number;
}

export interface RateLimitRefusal {
  /** Whole seconds until the caller may try again. */
  retryAfterSeconds: number;
  /** The rate (requests per second) of the limiter that refused. */
  rate: number;
  /** Set when a per-method limiter refused. */
  method?: string;
}

export interface RateLimiter {
  /** Takes a token from every limiter that applies and returns undefined, or refuses and takes none. */
  admit(callerKey: string, method: string): RateLimitRefusal | undefined;
}

interface Limiter {
  method?: string;
  buckets: TokenBuckets;
}

export function createRateLimiter(rules: RateLimitRules): RateLimiter {
  const clock = rules.now === undefined ? {} : { now: rules.now };
  const now = rules.now ?? (() => performance.now());
  const all: Limiter | undefined =
    rules.rate === undefined ? undefined : { buckets: createTokenBuckets({ rate: rules.rate, ...clock }) };
  const byMethod = new Map<string, Limiter[]>();
  for (const { method, rate } of rules.methods ?? []) {
    const upper = method.toUpperCase();
    const list = byMethod.get(upper) ?? [];
    list.push({ method: upper, buckets: createTokenBuckets({ rate, ...clock }) });
    byMethod.set(upper, list);
  }
  const none: Limiter[] = [];

  return {
    admit(callerKey, method) {
      const forMethod = byMethod.get(method) ?? none;
      const at = now();
      // check first, take after: a refused request costs the caller nothing in the other limiters
      let refusedBy: Limiter | undefined;
      if (all !== undefined && !all.buckets.wouldAdmit(callerKey, at)) refusedBy = all;
      for (const limiter of forMethod)
        if (refusedBy === undefined && !limiter.buckets.wouldAdmit(callerKey, at)) refusedBy = limiter;
      if (refusedBy !== undefined) {
        const refusal: RateLimitRefusal = {
          retryAfterSeconds: refusedBy.buckets.retryAfterSeconds(callerKey, at),
          rate: refusedBy.buckets.rate,
        };
        if (refusedBy.method !== undefined) refusal.method = refusedBy.method;
        return refusal;
      }
      all?.buckets.take(callerKey, at);
      for (const limiter of forMethod) limiter.buckets.take(callerKey, at);
      return undefined;
    },
  };
}

/**
 * The bucket key of a client address: IPv4 as it is (also when Node reports it IPv4-mapped, `::ffff:a.b.c.d`),
 * IPv6 by its /64 prefix, because one host is usually given a whole /64 and could otherwise take a fresh
 * bucket per address (tollbooth's CanonicalizeIP does the same).
 */
export function clientKeyOf(address: string): string {
  if (address.startsWith('::ffff:') && address.includes('.')) return `ip:${address.slice(7)}`;
  if (!isIPv6(address)) return `ip:${address}`;
  return `ip:${ipv6Prefix64(address)}`;
}

function ipv6Prefix64(address: string): string {
  const withoutZone = address.split('%')[0] ?? address;
  const [head = '', tail] = withoutZone.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  // a dotted IPv4 tail (`64:ff9b::192.0.2.1`) stands for two groups
  const tailWidth = tailGroups.reduce((width, group) => width + (group.includes('.') ? 2 : 1), 0);
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...new Array(8 - headGroups.length - tailWidth).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/** The bucket key of an authenticated user: a namespace of its own, so no address can collide with it. */
export function userKeyOf(username: string): string {
  return `user:${username}`;
}

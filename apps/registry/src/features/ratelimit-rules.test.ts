import { describe, expect, it } from 'vitest';
import { createTokenBuckets } from './ratelimit-buckets.js';
import { clientKeyOf, createRateLimiter } from './ratelimit-rules.js';

describe('clientKeyOf', () => {
  it('keys IPv4 by address, also when Node reports it IPv4-mapped', () => {
    expect(clientKeyOf('192.0.2.7')).toBe('ip:192.0.2.7');
    expect(clientKeyOf('::ffff:192.0.2.7')).toBe('ip:192.0.2.7');
  });

  it('keys IPv6 by its /64, so one host cannot take a fresh bucket per address', () => {
    expect(clientKeyOf('2001:db8:1:2:aaaa::1')).toBe('ip:2001:db8:1:2::/64');
    expect(clientKeyOf('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('ip:2001:db8:1:2::/64');
    expect(clientKeyOf('2001:db8::1')).toBe('ip:2001:db8:0:0::/64');
    expect(clientKeyOf('::1')).toBe('ip:0:0:0:0::/64');
    expect(clientKeyOf('fe80::1%eth0')).toBe('ip:fe80:0:0:0::/64');
    expect(clientKeyOf('64:ff9b:1:2::192.0.2.1')).toBe('ip:64:ff9b:1:2::/64');
  });
});

describe('createRateLimiter', () => {
  it('gives a burst of `rate` tokens and refills at `rate` per second', () => {
    let now = 0;
    const limiter = createRateLimiter({ rate: 3, now: () => now });
    for (let i = 0; i < 3; i += 1) expect(limiter.admit('ip:a', 'GET')).toBeUndefined();
    expect(limiter.admit('ip:a', 'GET')).toEqual({ retryAfterSeconds: 1, rate: 3 });
    now += 340;
    expect(limiter.admit('ip:a', 'GET')).toBeUndefined();
    expect(limiter.admit('ip:a', 'GET')).toBeDefined();
  });

  it('takes no token from the overall limiter when a method limiter refuses', () => {
    let now = 0;
    const limiter = createRateLimiter({ rate: 2, methods: [{ method: 'PUT', rate: 1 }], now: () => now });
    expect(limiter.admit('ip:a', 'PUT')).toBeUndefined();
    expect(limiter.admit('ip:a', 'PUT')).toEqual({ retryAfterSeconds: 1, rate: 1, method: 'PUT' });
    // the refused PUT left the overall bucket with its second token
    expect(limiter.admit('ip:a', 'GET')).toBeUndefined();
    expect(limiter.admit('ip:a', 'GET')).toBeDefined();
    now += 1000;
    expect(limiter.admit('ip:a', 'PUT')).toBeUndefined();
  });
});

describe('createTokenBuckets', () => {
  it('forgets callers whose bucket is full again, and never tracks more than maxKeys', () => {
    let now = 0;
    const buckets = createTokenBuckets({ rate: 10, maxKeys: 2000, now: () => now });
    for (let i = 0; i < 1500; i += 1) buckets.take(`ip:${i}`, now);
    now += 1000; // every bucket refilled
    buckets.sweep();
    expect(buckets.size).toBe(0);
    for (let i = 0; i < 10_000; i += 1) buckets.take(`ip:flood-${i}`, now);
    expect(buckets.size).toBeLessThanOrEqual(2001);
  });
});

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, createPasswordVerifier, loadHtpasswd } from '../src/index.js';
import { basicHeader, htpasswdFile, requestInfo, temporaryDirectory } from './helpers.js';

let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  dir = await temporaryDirectory();
});
afterAll(async () => {
  await dir.remove();
});

describe('PasswordVerifier', () => {
  it('remembers a success, so the next check of the same password skips bcrypt', async () => {
    const path = join(dir.path, 'cache');
    htpasswdFile(path, { alice: 'secret' }, 10);
    const hash = (await import('node:fs')).readFileSync(path, 'utf8').trim().split(':')[1] as string;
    let clock = 0;
    const verifier = createPasswordVerifier({ workers: 1, cacheTtlMs: 1000, now: () => clock });
    const started = performance.now();
    expect(await verifier.verify('alice', 'secret', hash)).toBe('match');
    const firstMs = performance.now() - started;
    const again = performance.now();
    expect(await verifier.verify('alice', 'secret', hash)).toBe('match');
    expect(performance.now() - again).toBeLessThan(firstMs / 5);
    expect(await verifier.verify('alice', 'wrong', hash)).toBe('mismatch');
    clock = 2000; // the cached success expired: bcrypt again, still a match
    expect(await verifier.verify('alice', 'secret', hash)).toBe('match');
    await verifier.close();
  });

  it('serves another client quickly while 1,000 wrong passwords from one address are being checked', async () => {
    const path = join(dir.path, 'bruteforce');
    htpasswdFile(path, { alice: 'alice-password', bob: 'bob-password' }, 8);
    const verifier = createPasswordVerifier({ workers: 1, cacheTtlMs: 0, maxQueuedPerSource: 16 });
    const htpasswd = await loadHtpasswd({ path, verifier, watch: false });
    const authenticator = createAuthenticator({ htpasswd });

    const attack = Array.from({ length: 1000 }, (_, i) =>
      authenticator.authenticate({
        ...requestInfo({ authorization: basicHeader('alice', `guess-${i}`) }),
        clientIp: '10.0.0.66',
      }),
    );
    // Let the attack fill the queue before the legitimate user arrives.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = performance.now();
    const bob = await authenticator.authenticate({
      ...requestInfo({ authorization: basicHeader('bob', 'bob-password') }),
      clientIp: '10.0.0.7',
    });
    const bobMs = performance.now() - started;
    const attackResults = await Promise.all(attack);

    expect(bob).toMatchObject({ kind: 'identity', identity: { username: 'bob', method: 'basic' } });
    // A bcrypt at cost 8 takes ~25 ms: bob waits for at most the comparison in flight, then his own.
    expect(bobMs).toBeLessThan(400);
    expect(attackResults.every((r) => r.kind === 'rejected')).toBe(true);
    // The flooding address may queue 16: most of its attempts were refused without hashing.
    const refusedUnhashed = attackResults.filter(
      (r) => r.kind === 'rejected' && r.reason === 'too many pending attempts from this client',
    ).length;
    expect(refusedUnhashed).toBeGreaterThan(900);
    await authenticator.close();
    await verifier.close();
  });

  it("never refuses a correct password because of another address's failures; 40 parallel first logins share one bcrypt", async () => {
    const path = join(dir.path, 'lockout');
    htpasswdFile(path, { erin: 'erin-password' }, 4);
    const verifier = createPasswordVerifier({ workers: 1, cacheTtlMs: 0 });
    const htpasswd = await loadHtpasswd({ path, verifier, watch: false });
    const attack = Array.from({ length: 200 }, (_, i) => htpasswd.verify('erin', `guess-${i}`, '10.0.0.66'));
    const parallel = Array.from({ length: 40 }, () => htpasswd.verify('erin', 'erin-password', '10.0.0.9'));
    expect(await Promise.all(parallel)).toEqual(Array(40).fill('match'));
    // the flooding address queues at most 64: the oldest of its attempts were refused unhashed
    const attackResults = await Promise.all(attack);
    expect(attackResults.every((r) => r === 'mismatch' || r === 'busy')).toBe(true);
    expect(attackResults.filter((r) => r === 'busy').length).toBeGreaterThan(100);
    await htpasswd.close();
    await verifier.close();
  });

  it('answers an unknown user without bcrypt, after about one comparison', async () => {
    const path = join(dir.path, 'unknown');
    htpasswdFile(path, { erin: 'erin-password' }, 8);
    const slept: number[] = [];
    const verifier = createPasswordVerifier({
      workers: 1,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    const htpasswd = await loadHtpasswd({ path, verifier, watch: false });
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, i) => htpasswd.verify(`nobody-${i}`, 'x', '10.0.0.9')),
    );
    expect(results.every((r) => r === 'mismatch')).toBe(true);
    expect(slept).toHaveLength(400);
    expect(Math.min(...slept)).toBeGreaterThan(0); // calibrated at load by one hash of the file's cost
    await htpasswd.close();
    await verifier.close();
  });
});

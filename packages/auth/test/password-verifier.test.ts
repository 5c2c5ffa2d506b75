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

  it('serves another user quickly while 1,000 wrong passwords for one user are being checked', async () => {
    const path = join(dir.path, 'bruteforce');
    htpasswdFile(path, { alice: 'alice-password', bob: 'bob-password' }, 8);
    const verifier = createPasswordVerifier({ workers: 1, maxQueuedPerUser: 16, cacheTtlMs: 0 });
    const htpasswd = await loadHtpasswd({ path, verifier, watch: false });
    const authenticator = createAuthenticator({ htpasswd });

    const attack = Array.from({ length: 1000 }, (_, i) =>
      authenticator.authenticate(requestInfo({ authorization: basicHeader('alice', `guess-${i}`) })),
    );
    // Let the attack fill the queue before the legitimate user arrives.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = performance.now();
    const bob = await authenticator.authenticate(
      requestInfo({ authorization: basicHeader('bob', 'bob-password') }),
    );
    const bobMs = performance.now() - started;
    const attackResults = await Promise.all(attack);

    expect(bob).toMatchObject({ kind: 'identity', identity: { username: 'bob', method: 'basic' } });
    // A bcrypt at cost 8 takes ~25 ms: bob waits for at most the comparison in flight, then his own.
    expect(bobMs).toBeLessThan(400);
    expect(attackResults.every((r) => r.kind === 'rejected')).toBe(true);
    // Most attempts were refused without hashing, because one user may only queue 16.
    const refusedUnhashed = attackResults.filter(
      (r) => r.kind === 'rejected' && r.reason === 'too many pending attempts for this user',
    ).length;
    expect(refusedUnhashed).toBeGreaterThan(900);
    await authenticator.close();
    await verifier.close();
  });
});

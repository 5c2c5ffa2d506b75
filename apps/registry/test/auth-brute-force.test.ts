// Issue 5: 1,000 wrong passwords against one user do not stop another user from being served, and every
// wrong answer waits failDelay. bcrypt cost 10 here (not 4), so that the comparisons cost what they cost.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, get, htpasswdLines } from './auth-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

let registry: TestRegistry;
let directory: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'zot-brute-'));
  const path = join(directory, 'htpasswd');
  writeFileSync(path, htpasswdLines({ alice: 'alice-pw', bob: 'bob-pw' }, 10));
  registry = await startTestRegistry({ http: { auth: { htpasswd: { path }, failDelay: 1 } } });
});
afterAll(async () => {
  await registry?.dispose();
  rmSync(directory, { recursive: true, force: true });
});

describe('brute force against one user', () => {
  it('answers a wrong password with 401 only after failDelay', async () => {
    const started = performance.now();
    const answer = await get(registry.url, '/v2/', { Authorization: basic('alice', 'wrong') });
    expect(answer.status).toBe(401);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('keeps serving another user promptly while 1,000 wrong passwords for alice are in flight', async () => {
    const attack = Array.from({ length: 1000 }, (_, index) =>
      get(registry.url, '/v2/', { Authorization: basic('alice', `guess-${index}`) }).then((a) => a.status),
    );
    // let the attack fill alice's queue first
    await new Promise((resolve) => setTimeout(resolve, 200));
    const latencies: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const started = performance.now();
      // a fresh password each time, so no cached success helps bob
      const answer = await get(registry.url, '/v2/', { Authorization: basic('bob', 'bob-pw') });
      latencies.push(performance.now() - started);
      expect(answer.status).toBe(200);
    }
    const statuses = await Promise.all(attack);
    expect(statuses.every((status) => status === 401)).toBe(true);
    // bob's first login pays one bcrypt (cost 10) behind at most one of alice's; later ones hit the cache
    expect(
      Math.max(...latencies),
      `bob's latencies ${latencies.map((l) => l.toFixed(0)).join(', ')} ms`,
    ).toBeLessThan(1500);
    // and the right password for alice still works afterwards
    expect((await get(registry.url, '/v2/', { Authorization: basic('alice', 'alice-pw') })).status).toBe(200);
  }, 60_000);
});

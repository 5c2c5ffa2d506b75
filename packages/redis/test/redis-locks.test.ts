import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGcLease, createRedisLocks, LockLostError, type RedisLocks } from '../src/index.js';
import { startRedis, type TestRedis } from './redis-server.js';

let server: TestRedis;
const connections: Redis[] = [];
const connect = () => {
  const redis = new Redis(server.url);
  connections.push(redis);
  return redis;
};
/** One "instance": its own connections, as a separate registry process would have. */
const instance = (prefix: string, ttlMs?: number): Promise<RedisLocks> =>
  createRedisLocks({ redis: connect(), subscriber: connect(), prefix, ...(ttlMs ? { ttlMs } : {}) });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  for (const redis of connections) redis.disconnect();
  await server?.stop();
});

describe('RedisLocks', () => {
  it('serialises one repository across instances: no lost increment, and every holder passes its fence check', async () => {
    const prefix = `t-${randomUUID()}:`;
    const [a, b, c] = await Promise.all([instance(prefix), instance(prefix), instance(prefix)]);
    const counter = connect();
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        [a, b, c][i % 3]?.withRepoLock('app', async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          const value = Number((await counter.get(`${prefix}n`)) ?? 0);
          await sleep(2);
          // every holder, however long it queued, holds the newest fencing token when it commits
          await [a, b, c][i % 3]?.checkFence('app');
          await counter.set(`${prefix}n`, String(value + 1));
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(await counter.get(`${prefix}n`)).toBe('30');
  }, 30_000);

  it('different repositories and digests do not wait for each other', async () => {
    const prefix = `t-${randomUUID()}:`;
    const [a, b] = await Promise.all([instance(prefix), instance(prefix)]);
    let release!: () => void;
    const held = a.withRepoLock('one', () => new Promise<void>((resolve) => (release = resolve)));
    await sleep(20);
    const started = Date.now();
    await b.withRepoLock('two', async () => undefined);
    await b.withDigestLock('sha256:x', async () => undefined);
    expect(Date.now() - started).toBeLessThan(500);
    release();
    await held;
  });

  it('renews a lock while its work runs longer than the ttl', async () => {
    const prefix = `t-${randomUUID()}:`;
    const [a, b] = await Promise.all([instance(prefix, 300), instance(prefix, 300)]);
    const order: string[] = [];
    const long = a.withRepoLock('app', async () => {
      await sleep(1000);
      order.push('a');
      await a.checkFence('app');
    });
    await sleep(50);
    await b.withRepoLock('app', async () => void order.push('b'));
    await long;
    expect(order).toEqual(['a', 'b']);
  }, 10_000);

  it("a dead holder's lock expires; its late write is refused by the fence", async () => {
    const prefix = `t-${randomUUID()}:`;
    const [a, b] = await Promise.all([instance(prefix, 300), instance(prefix, 300)]);
    const raw = connect();
    let fenceOutcome: unknown;
    const stalled = a.withRepoLock('app', async () => {
      // simulate a process that stops renewing (frozen, partitioned): its lock key disappears as if expired
      await raw.del(`${prefix}lock:repo:app`);
      await sleep(100);
      fenceOutcome = await a.checkFence('app').catch((error: unknown) => error);
    });
    await b.withRepoLock('app', async () => b.checkFence('app'));
    await stalled;
    expect(fenceOutcome).toBeInstanceOf(LockLostError);
  });

  it('a lock whose holder vanished without releasing is taken over after the ttl', async () => {
    const prefix = `t-${randomUUID()}:`;
    const raw = connect();
    // a lock left by a killed instance: no renewals will come
    await raw.set(`${prefix}lock:repo:app`, '999999', 'PX', 400);
    const b = await instance(prefix, 400);
    const started = Date.now();
    await b.withRepoLock('app', async () => undefined);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(300);
    expect(waited).toBeLessThan(2000);
  });
});

describe('GcLease', () => {
  it('lets one instance run at a time and hands over when the holder stops', async () => {
    const prefix = `t-${randomUUID()}:`;
    const leases = ['a', 'b', 'c'].map((id) =>
      createGcLease({ redis: connect(), prefix, ttlMs: 300, instanceId: id }),
    );
    let running = 0;
    let maxRunning = 0;
    const ranOn: string[] = [];
    const pass = (lease: (typeof leases)[number]) =>
      lease.runExclusive('gc', async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        ranOn.push(lease.instanceId);
        await sleep(30);
        running--;
      });
    for (let round = 0; round < 3; round++) await Promise.all(leases.map(pass));
    expect(maxRunning).toBe(1);
    // the holder keeps the lease between passes
    expect(new Set(ranOn).size).toBe(1);
    const holder = leases.find((lease) => lease.instanceId === ranOn[0]);
    await holder?.close();
    const others = leases.filter((lease) => lease !== holder);
    const outcomes = await Promise.all(others.map(pass));
    expect(outcomes.filter((o) => o.ran)).toHaveLength(1);
    await Promise.all(others.map((lease) => lease.close()));
  });

  it('a crashed holder (no renewals, no release) is replaced once its lease expires', async () => {
    const prefix = `t-${randomUUID()}:`;
    const raw = connect();
    await raw.set(`${prefix}lease:gc`, 'dead-instance', 'PX', 300);
    const lease = createGcLease({ redis: connect(), prefix, ttlMs: 300 });
    expect((await lease.runExclusive('gc', async () => undefined)).ran).toBe(false);
    await sleep(350);
    expect((await lease.runExclusive('gc', async () => undefined)).ran).toBe(true);
    await lease.close();
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The shared suite lives in packages/metastore; every MetaStore implementation runs it.
import { describeMetaStoreContract } from '../../metastore/test/meta-store-contract.js';
import { createRedisMetaStore } from '../src/index.js';
import { startRedis, type TestRedis } from './redis-server.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

// every store gets its own key prefix: the suite's tests must not see each other's records
describeMetaStoreContract('RedisMetaStore', () =>
  createRedisMetaStore({ url: redis.url, keyPrefix: `t-${randomUUID()}` }),
);

describeMetaStoreContract('RedisMetaStore with batched pulls', () =>
  createRedisMetaStore({ url: redis.url, keyPrefix: `t-${randomUUID()}`, pullSettleMs: 50 }),
);

describe('RedisMetaStore across instances', () => {
  const image = (digest: string) => ({
    digest,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: 100,
    manifests: [],
  });

  it('two instances sharing a prefix recording tags of one repository at once lose none', async () => {
    const keyPrefix = `t-${randomUUID()}`;
    const [a, b] = await Promise.all([
      createRedisMetaStore({ url: redis.url, keyPrefix }),
      createRedisMetaStore({ url: redis.url, keyPrefix }),
    ]);
    try {
      const writes = Array.from({ length: 40 }, (_, i) => {
        const digest = `sha256:${i.toString(16).padStart(64, '0')}`;
        const store = i % 2 === 0 ? a : b;
        return store.repos.setRepoReference('app', `t${i}`, image(digest) as never, { at: new Date() });
      });
      await Promise.all(writes);
      const repo = await b.repos.getRepoMeta('app');
      expect(Object.keys(repo?.tags ?? {}).sort()).toEqual(
        Array.from({ length: 40 }, (_, i) => `t${i}`).sort(),
      );
      expect(await a.repos.repositoryNames()).toEqual(['app']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 30_000);

  it('a session and an API key made through one instance are found through another', async () => {
    const keyPrefix = `t-${randomUUID()}`;
    const [a, b] = await Promise.all([
      createRedisMetaStore({ url: redis.url, keyPrefix, pullSettleMs: 20 }),
      createRedisMetaStore({ url: redis.url, keyPrefix }),
    ]);
    try {
      await a.sessions.create({
        id: 's1',
        username: 'alice',
        groups: [],
        method: 'basic',
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + 60_000),
      });
      expect((await b.sessions.get('s1'))?.username).toBe('alice');
      // pull counts from both instances add up
      await a.tagTimes.recordPush('app', 'v1', `sha256:${'a'.repeat(64)}`, new Date());
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).tagTimes.recordPull('app', 'v1', new Date())),
      );
      expect((await b.tagTimes.list('app'))[0]?.pullCount).toBe(20);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 30_000);

  it('keeps two prefixes apart', async () => {
    const a = await createRedisMetaStore({ url: redis.url, keyPrefix: `t-${randomUUID()}` });
    const b = await createRedisMetaStore({ url: redis.url, keyPrefix: `t-${randomUUID()}` });
    try {
      await a.users.upsert('alice', { groups: [] });
      expect(await b.users.get('alice')).toBeUndefined();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('refuses an unreachable url with a message naming it without its password', async () => {
    await expect(createRedisMetaStore({ url: 'redis://u:secret@127.0.0.1:1' })).rejects.toThrow(
      /cannot reach redis at redis:\/\/u:\*\*\*@127\.0\.0\.1:1/,
    );
  });
});

// The behaviour every MetaStore implementation must have. Each implementation's test file calls
// `describeMetaStoreContract` with a factory; a Redis store will run the same suite.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiKeyRecord, MetaStore } from '../src/index.js';
import { describeRepoMetaContract } from './repo-meta-contract.js';

export function describeMetaStoreContract(name: string, open: () => Promise<MetaStore>): void {
  describe(`${name} (MetaStore contract)`, () => {
    let store: MetaStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    const at = (iso: string) => new Date(iso);
    const key = (overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
      id: 'id-1',
      username: 'alice',
      hashedKey: 'a'.repeat(64),
      label: 'ci',
      scopes: [],
      createdAt: at('2025-01-01T00:00:00Z'),
      creatorUserAgent: 'curl/8',
      generatedBy: 'manual',
      ...overrides,
    });

    describe('users', () => {
      it('upsert stores sorted unique groups and keeps createdAt on update', async () => {
        const first = await store.users.upsert('alice', { groups: ['dev', 'admins', 'dev'] });
        expect(first.groups).toEqual(['admins', 'dev']);
        const second = await store.users.upsert('alice', { groups: ['ops'] });
        expect(second.groups).toEqual(['ops']);
        expect(second.createdAt.getTime()).toBe(first.createdAt.getTime());
      });

      it('recordLogin creates an unknown user and sets lastLoginAt', async () => {
        await store.users.recordLogin('bob', at('2025-02-02T10:00:00Z'));
        const bob = await store.users.get('bob');
        expect(bob?.groups).toEqual([]);
        expect(bob?.lastLoginAt?.toISOString()).toBe('2025-02-02T10:00:00.000Z');
      });

      it('returns copies that do not change the store when mutated', async () => {
        await store.users.upsert('alice', { groups: ['dev'] });
        const copy = await store.users.get('alice');
        copy?.groups.push('root');
        expect((await store.users.get('alice'))?.groups).toEqual(['dev']);
      });

      it('get of an unknown user is undefined', async () => {
        expect(await store.users.get('nobody')).toBeUndefined();
      });
    });

    describe('apiKeys', () => {
      it('finds a key by its hash and lists it for its owner only', async () => {
        await store.apiKeys.create(key());
        expect((await store.apiKeys.findByHash('a'.repeat(64)))?.id).toBe('id-1');
        expect((await store.apiKeys.listByUser('alice')).map((k) => k.id)).toEqual(['id-1']);
        expect(await store.apiKeys.listByUser('bob')).toEqual([]);
      });

      it('rejects a duplicate id or hash with CONFLICT', async () => {
        await store.apiKeys.create(key());
        await expect(store.apiKeys.create(key({ hashedKey: 'b'.repeat(64) }))).rejects.toMatchObject({
          code: 'CONFLICT',
        });
        await expect(store.apiKeys.create(key({ id: 'id-2' }))).rejects.toMatchObject({ code: 'CONFLICT' });
      });

      it('revoke removes the key, and refuses another user key', async () => {
        await store.apiKeys.create(key());
        expect(await store.apiKeys.revoke('id-1', { username: 'bob' })).toBe(false);
        expect(await store.apiKeys.revoke('id-1', { username: 'alice' })).toBe(true);
        expect(await store.apiKeys.findByHash('a'.repeat(64))).toBeUndefined();
        expect(await store.apiKeys.revoke('id-1')).toBe(false);
      });

      it('touchLastUsed records the time of use', async () => {
        await store.apiKeys.create(key());
        await store.apiKeys.touchLastUsed('a'.repeat(64), at('2025-03-03T00:00:00Z'));
        expect((await store.apiKeys.findByHash('a'.repeat(64)))?.lastUsedAt?.toISOString()).toBe(
          '2025-03-03T00:00:00.000Z',
        );
      });

      it('keeps parsed credential scopes and expiry', async () => {
        await store.apiKeys.create(
          key({
            expiresAt: at('2030-01-01T00:00:00Z'),
            credentialScopes: [{ repositories: ['team/**'], actions: ['read'] }],
          }),
        );
        const found = await store.apiKeys.findByHash('a'.repeat(64));
        expect(found?.credentialScopes).toEqual([{ repositories: ['team/**'], actions: ['read'] }]);
        expect(found?.expiresAt?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
      });
    });

    describe('sessions', () => {
      const session = (id: string, expiresAt: string) => ({
        id,
        username: 'alice',
        groups: ['dev'],
        method: 'basic',
        createdAt: at('2025-01-01T00:00:00Z'),
        expiresAt: at(expiresAt),
      });

      it('get returns a live session and hides an expired one', async () => {
        await store.sessions.create(session('s1', '2025-01-01T02:00:00Z'));
        expect((await store.sessions.get('s1', at('2025-01-01T01:00:00Z')))?.username).toBe('alice');
        expect(await store.sessions.get('s1', at('2025-01-01T02:00:00Z'))).toBeUndefined();
      });

      it('keeps the OIDC provider and ID token of a session', async () => {
        await store.sessions.create({
          ...session('s2', '2099-01-01T00:00:00Z'),
          provider: 'dex',
          idToken: 'eyJ.x.y',
        });
        const found = await store.sessions.get('s2');
        expect(found?.provider).toBe('dex');
        expect(found?.idToken).toBe('eyJ.x.y');
      });

      it('revoke ends a session', async () => {
        await store.sessions.create(session('s1', '2099-01-01T00:00:00Z'));
        expect(await store.sessions.revoke('s1')).toBe(true);
        expect(await store.sessions.get('s1')).toBeUndefined();
        expect(await store.sessions.revoke('s1')).toBe(false);
      });

      it('purgeExpired removes only expired sessions', async () => {
        await store.sessions.create(session('old', '2025-01-01T01:00:00Z'));
        await store.sessions.create(session('new', '2025-01-01T05:00:00Z'));
        expect(await store.sessions.purgeExpired(at('2025-01-01T03:00:00Z'))).toBe(1);
        expect(await store.sessions.get('new', at('2025-01-01T03:00:00Z'))).toBeDefined();
      });
    });

    describe('tagTimes', () => {
      const digestA = `sha256:${'a'.repeat(64)}`;
      const digestB = `sha256:${'b'.repeat(64)}`;

      it('records push and pull by tag', async () => {
        await store.tagTimes.recordPush('app', 'v1', digestA, at('2025-01-01T00:00:00Z'));
        await store.tagTimes.recordPull('app', 'v1', at('2025-01-02T00:00:00Z'));
        const [record] = await store.tagTimes.list('app');
        expect(record).toMatchObject({ tag: 'v1', digest: digestA, pullCount: 1 });
        expect(record?.lastPulledAt?.toISOString()).toBe('2025-01-02T00:00:00.000Z');
      });

      it('a pull by digest counts for every tag pointing at it', async () => {
        await store.tagTimes.recordPush('app', 'v1', digestA, at('2025-01-01T00:00:00Z'));
        await store.tagTimes.recordPush('app', 'latest', digestA, at('2025-01-01T00:00:00Z'));
        await store.tagTimes.recordPush('app', 'v2', digestB, at('2025-01-01T00:00:00Z'));
        await store.tagTimes.recordPull('app', digestA, at('2025-01-03T00:00:00Z'));
        const counts = Object.fromEntries(
          (await store.tagTimes.list('app')).map((t) => [t.tag, t.pullCount]),
        );
        expect(counts).toEqual({ latest: 1, v1: 1, v2: 0 });
      });

      it('pushing a new digest to a tag resets its pull history', async () => {
        await store.tagTimes.recordPush('app', 'v1', digestA, at('2025-01-01T00:00:00Z'));
        await store.tagTimes.recordPull('app', 'v1', at('2025-01-02T00:00:00Z'));
        await store.tagTimes.recordPush('app', 'v1', digestB, at('2025-01-03T00:00:00Z'));
        const [record] = await store.tagTimes.list('app');
        expect(record).toMatchObject({ digest: digestB, pullCount: 0 });
        expect(record?.lastPulledAt).toBeUndefined();
      });

      it('lists one repository only, and forget removes a tag', async () => {
        await store.tagTimes.recordPush('app', 'v1', digestA, at('2025-01-01T00:00:00Z'));
        await store.tagTimes.recordPush('other', 'v1', digestA, at('2025-01-01T00:00:00Z'));
        await store.tagTimes.forget('app', 'v1');
        expect(await store.tagTimes.list('app')).toEqual([]);
        expect(await store.tagTimes.list('other')).toHaveLength(1);
      });
    });

    describe('signatureResults', () => {
      it('puts, gets and deletes by manifest digest', async () => {
        const manifestDigest = `sha256:${'c'.repeat(64)}`;
        await store.signatureResults.put({
          manifestDigest,
          checkedAt: at('2025-01-01T00:00:00Z'),
          verified: true,
          signatures: [{ tool: 'cosign', verified: true, signer: 'key-1' }],
        });
        expect((await store.signatureResults.get(manifestDigest))?.signatures[0]?.signer).toBe('key-1');
        await store.signatureResults.delete(manifestDigest);
        expect(await store.signatureResults.get(manifestDigest)).toBeUndefined();
      });
    });

    describeRepoMetaContract(() => store);
  });
}

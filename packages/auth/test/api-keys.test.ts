import { createMemoryMetaStore } from '@zot-ts/metastore';
import { describe, expect, it } from 'vitest';
import {
  createApiKeyHandlers,
  createApiKeyService,
  createAuthenticator,
  hashApiKeySecret,
  type Identity,
  scopesAllow,
} from '../src/index.js';
import { basicHeader, requestInfo } from './helpers.js';

const alice: Identity = { username: 'alice', groups: [], method: 'basic' };

function setup(start = new Date('2025-06-01T00:00:00Z')) {
  let now = start;
  const metaStore = createMemoryMetaStore();
  const service = createApiKeyService({ metaStore, now: () => now });
  const handlers = createApiKeyHandlers(service, { now: () => now });
  const authenticator = createAuthenticator({ apiKeys: service });
  const login = (username: string, key: string) =>
    authenticator.authenticate(requestInfo({ authorization: basicHeader(username, key) }));
  /** `null` posts anonymously. */
  const post = (body: unknown, identity: Identity | null = alice) =>
    handlers.handle(
      new Request('http://registry/zot/auth/apikey', { method: 'POST', body: JSON.stringify(body) }),
      identity ?? undefined,
    );
  return {
    metaStore,
    service,
    handlers,
    login,
    post,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
  };
}

describe('API keys', () => {
  it('creates a zak_ key shown once, stores only its SHA-256, and lists it without secrets', async () => {
    const { metaStore, handlers, post } = setup();
    const response = await post({ label: 'ci', scopes: [] });
    expect(response.status).toBe(201);
    const created = (await response.json()) as Record<string, unknown>;
    expect(created.apiKey).toMatch(/^zak_[0-9a-f]{32}$/);
    expect(created).toMatchObject({ label: 'ci', isExpired: false, generatedBy: 'manual' });
    expect(created.expirationDate).toBe('0001-01-01T00:00:00Z');

    const secret = (created.apiKey as string).slice(4);
    const stored = await metaStore.apiKeys.findByHash(hashApiKeySecret(secret));
    expect(stored?.id).toBe(created.uuid);
    expect(JSON.stringify(stored)).not.toContain(secret);

    const listed = await handlers.handle(new Request('http://registry/zot/auth/apikey'), alice);
    const body = await listed.text();
    expect(JSON.parse(body).apiKeys).toHaveLength(1);
    expect(body).not.toContain(secret);
    expect(body).not.toContain(hashApiKeySecret(secret));
  });

  it('authenticates the owner with the key as password, and nobody else', async () => {
    const { post, login } = setup();
    const { apiKey } = (await (await post({ label: 'ci' })).json()) as { apiKey: string };
    expect(await login('alice', apiKey)).toMatchObject({ kind: 'identity', identity: { method: 'apikey' } });
    expect(await login('bob', apiKey)).toMatchObject({
      kind: 'rejected',
      reason: 'wrong username or password',
    });
    expect(await login('alice', `zak_${'0'.repeat(32)}`)).toMatchObject({ kind: 'rejected' });
  });

  it('rejects a revoked key', async () => {
    const { post, login, handlers } = setup();
    const created = (await (await post({ label: 'ci' })).json()) as { apiKey: string; uuid: string };
    const bob: Identity = { username: 'bob', groups: [], method: 'basic' };
    const del = (identity: Identity, id: string) =>
      handlers.handle(
        new Request(`http://registry/zot/auth/apikey?id=${id}`, { method: 'DELETE' }),
        identity,
      );
    expect((await del(bob, created.uuid)).status).toBe(404);
    expect((await del(alice, created.uuid)).status).toBe(200);
    expect(await login('alice', created.apiKey)).toMatchObject({
      kind: 'rejected',
      reason: 'wrong username or password',
    });
    expect(
      (await handlers.handle(new Request('http://registry/zot/auth/apikey', { method: 'DELETE' }), alice))
        .status,
    ).toBe(400);
  });

  it('rejects an expired key, and refuses an expiration date in the past', async () => {
    const { post, login, advance } = setup();
    expect((await post({ label: 'old', expirationDate: '2020-01-01T00:00:00Z' })).status).toBe(400);
    expect((await post({ label: 'bad', expirationDate: 'tomorrow' })).status).toBe(400);
    const { apiKey, isExpired } = (await (
      await post({ label: 'short', expirationDate: '2025-06-01T01:00:00Z' })
    ).json()) as { apiKey: string; isExpired: boolean };
    expect(isExpired).toBe(false);
    expect((await login('alice', apiKey)).kind).toBe('identity');
    advance(2 * 60 * 60 * 1000);
    expect(await login('alice', apiKey)).toMatchObject({
      kind: 'rejected',
      reason: 'wrong username or password',
    });
  });

  it('gives a scoped key its scopes as credentialScopes, which refuse out-of-scope access', async () => {
    const { post, login } = setup();
    const { apiKey } = (await (await post({ label: 'ro', scopes: ['team/**:read', 'ci/app'] })).json()) as {
      apiKey: string;
    };
    const result = await login('alice', apiKey);
    if (result.kind !== 'identity') throw new Error('expected an identity');
    const scopes = result.identity.credentialScopes;
    expect(scopes).toEqual([
      { repositories: ['team/**'], actions: ['read'] },
      { repositories: ['ci/app'], actions: ['read', 'create', 'update', 'delete'] },
    ]);
    expect(scopesAllow(scopes, 'team/a/b', 'read')).toBe(true);
    expect(scopesAllow(scopes, 'team/a/b', 'create')).toBe(false);
    expect(scopesAllow(scopes, 'other', 'read')).toBe(false);
    expect(scopesAllow(scopes, 'ci/app', 'delete')).toBe(true);
  });

  it('refuses invalid scopes, oversized bodies, anonymous callers and key minting by a scoped key', async () => {
    const { post } = setup();
    expect((await post({ label: 'x', scopes: ['repo:fly'] })).status).toBe(400);
    expect((await post({ label: 'x'.repeat(5000) })).status).toBe(413);
    expect((await post({ label: 'x' }, null)).status).toBe(401);
    const scoped: Identity = { ...alice, method: 'apikey', credentialScopes: [] };
    expect((await post({ label: 'x' }, scoped)).status).toBe(403);
  });
});

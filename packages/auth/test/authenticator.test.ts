import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { createMemoryMetaStore } from '@zot-ts/metastore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Authenticate,
  createApiKeyService,
  createAuthenticator,
  createBearerVerifier,
  createPasswordVerifier,
  createSessionService,
  type Htpasswd,
  loadHtpasswd,
  type PasswordVerifier,
} from '../src/index.js';
import { basicHeader, htpasswdFile, requestInfo, temporaryDirectory } from './helpers.js';

let dir: { path: string; remove: () => Promise<void> };
let verifier: PasswordVerifier;
let htpasswd: Htpasswd;
beforeAll(async () => {
  dir = await temporaryDirectory();
  const path = join(dir.path, 'htpasswd');
  htpasswdFile(path, { alice: 'alice-pw', bob: 'bob-pw' });
  verifier = createPasswordVerifier({ workers: 1 });
  htpasswd = await loadHtpasswd({ path, verifier, watch: false });
});
afterAll(async () => {
  await htpasswd.close();
  await verifier.close();
  await dir.remove();
});

describe('createAuthenticator', () => {
  it('gives an htpasswd user no groups of her own (the authorizer adds the live static ones) and records the login', async () => {
    const metaStore = createMemoryMetaStore();
    await metaStore.users.upsert('alice', { groups: ['admins'] }); // a record from before: must not count
    const authenticator = createAuthenticator({ htpasswd, users: metaStore.users });
    const result = await authenticator.authenticate(
      requestInfo({ authorization: basicHeader('alice', 'alice-pw') }),
    );
    expect(result).toEqual({
      kind: 'identity',
      identity: { username: 'alice', groups: [], method: 'basic' },
    });
    expect((await metaStore.users.get('alice'))?.groups).toEqual([]);
    expect((await metaStore.users.get('alice'))?.lastLoginAt).toBeInstanceOf(Date);
  });

  it('is anonymous without credentials, and rejects wrong passwords and unknown users', async () => {
    const authenticator = createAuthenticator({ htpasswd });
    expect(await authenticator.authenticate(requestInfo())).toEqual({ kind: 'anonymous' });
    expect(
      (await authenticator.authenticate(requestInfo({ authorization: basicHeader('alice', 'nope') }))).kind,
    ).toBe('rejected');
    expect(
      (await authenticator.authenticate(requestInfo({ authorization: basicHeader('zed', 'alice-pw') }))).kind,
    ).toBe('rejected');
  });

  it('rejects a request with two Authorization headers even if both are valid', async () => {
    const authenticator = createAuthenticator({ htpasswd });
    const request = requestInfo([
      ['authorization', basicHeader('alice', 'alice-pw')],
      ['authorization', basicHeader('bob', 'bob-pw')],
    ]);
    expect(await authenticator.authenticate(request)).toEqual({
      kind: 'rejected',
      reason: 'more than one Authorization header',
    });
  });

  it('waits failDelay after wrong credentials without delaying other requests', async () => {
    const authenticator = createAuthenticator({ htpasswd, failDelaySeconds: 0.3 });
    const started = performance.now();
    const wrong = authenticator
      .authenticate(requestInfo({ authorization: basicHeader('alice', 'wrong') }))
      .then((result) => ({ result, ms: performance.now() - started }));
    const right = authenticator
      .authenticate(requestInfo({ authorization: basicHeader('bob', 'bob-pw') }))
      .then((result) => ({ result, ms: performance.now() - started }));
    const [w, r] = await Promise.all([wrong, right]);
    expect(w.result.kind).toBe('rejected');
    expect(w.ms).toBeGreaterThanOrEqual(290);
    expect(r.result.kind).toBe('identity');
    expect(r.ms).toBeLessThan(250);
  });

  it('rejects a scheme that is not enabled', async () => {
    const basicOnly = createAuthenticator({ htpasswd });
    expect(await basicOnly.authenticate(requestInfo({ authorization: 'Bearer a.b.c' }))).toMatchObject({
      kind: 'rejected',
    });
    const none = createAuthenticator({});
    expect(
      await none.authenticate(requestInfo({ authorization: basicHeader('alice', 'alice-pw') })),
    ).toMatchObject({
      kind: 'rejected',
    });
  });

  it("challenges with Basic realm, zot's default realm, and Bearer first when configured", () => {
    expect(
      createAuthenticator({ htpasswd, realm: 'zot' }).challenge({ repository: 'a', action: 'read' }),
    ).toEqual(['Basic realm="zot"']);
    expect(createAuthenticator({ htpasswd }).challenge({ repository: 'a', action: 'read' })).toEqual([
      'Basic realm="Authorization Required"',
    ]);
    const bearer = createBearerVerifier({
      realm: 'https://auth/token',
      service: 'zot',
      publicKey: generateKeyPairSync('ed25519').publicKey,
    });
    expect(createAuthenticator({ bearer }).challenge({ repository: 'a', action: 'create' })).toEqual([
      'Bearer realm="https://auth/token",service="zot",scope="repository:a:push"',
    ]);
    expect(createAuthenticator({}).challenge({ repository: 'a', action: 'read' })).toEqual([]);
  });

  it('opens a UI session after a basic login with the UI header, then accepts the cookie alone', async () => {
    const metaStore = createMemoryMetaStore();
    const authenticator = createAuthenticator({ htpasswd, sessions: createSessionService({ metaStore }) });
    const ui = { 'x-zot-api-client': 'zot-ui' };
    const login = requestInfo({ ...ui, authorization: basicHeader('alice', 'alice-pw') });
    const result = await authenticator.authenticate(login);
    const cookies = await authenticator.sessionCookies(login, result);
    expect(cookies).toHaveLength(2);
    const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
    const next = await authenticator.authenticate(requestInfo({ ...ui, cookie }));
    expect(next).toMatchObject({ kind: 'identity', identity: { username: 'alice', method: 'session' } });
    // No session for CLI clients (no UI header).
    const cli = requestInfo({ authorization: basicHeader('alice', 'alice-pw') });
    expect(await authenticator.sessionCookies(cli, await authenticator.authenticate(cli))).toEqual([]);
    // A dead cookie makes the request anonymous and is cleared.
    const dead = requestInfo({ ...ui, cookie: 'session=v1.garbage.sig' });
    const deadResult = await authenticator.authenticate(dead);
    expect(deadResult).toEqual({ kind: 'anonymous' });
    expect((await authenticator.sessionCookies(dead, deadResult))[0]).toMatch(/^session=;/);
  });

  it('tries an API key before bcrypt and falls back to htpasswd', async () => {
    const metaStore = createMemoryMetaStore();
    const apiKeys = createApiKeyService({ metaStore });
    const { apiKey } = await apiKeys.create('bob', { label: 'ci' });
    const authenticator = createAuthenticator({ htpasswd, apiKeys });
    expect(
      await authenticator.authenticate(requestInfo({ authorization: basicHeader('bob', apiKey) })),
    ).toMatchObject({
      kind: 'identity',
      identity: { method: 'apikey', username: 'bob' },
    });
    expect(
      await authenticator.authenticate(requestInfo({ authorization: basicHeader('bob', 'bob-pw') })),
    ).toMatchObject({
      kind: 'identity',
      identity: { method: 'basic' },
    });
  });

  it('satisfies the Authenticate function type', () => {
    const authenticate: Authenticate = createAuthenticator({}).authenticate;
    expect(typeof authenticate).toBe('function');
  });
});

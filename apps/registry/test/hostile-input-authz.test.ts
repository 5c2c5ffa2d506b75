// Hostile input (issue 21), authorization: attacks that once got through (21.1 `?tag=` past a tag condition,
// 21.6 bearer access names read as globs, 21.7 the signatures endpoint deciding with the listing check) and
// refusals that always held (forged tokens, path tricks, another repository's upload session, a mount from an
// unreadable repository), through the real server, so they stay refused.
import { createSign, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, get, pushImage } from './auth-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';
import { digestOfTag, htpasswdDirectory, imageManifest, putManifest } from './hostile-input-fixtures.js';

const RELEASE_CONDITION = '!req.tag.matches("^v[0-9]+\\\\.[0-9]+\\\\.[0-9]+$") || req.action == "create"';

describe('tag conditions and ?tag= (21.1): every tag a PUT writes is decided on its own', () => {
  const files = htpasswdDirectory({ admin: 'admin-pw', bob: 'bob-pw' });
  const admin = { Authorization: basic('admin', 'admin-pw') };
  const bob = { Authorization: basic('bob', 'bob-pw') };
  let registry: TestRegistry;
  let released: { body: string; digest: string };
  let other: { body: string; digest: string };

  beforeAll(async () => {
    registry = await startTestRegistry({
      http: {
        auth: { htpasswd: { path: files.path } },
        accessControl: {
          groups: { dev: { users: ['bob'] } },
          adminPolicy: { users: ['admin'], actions: ['read', 'create', 'update', 'delete'] },
          repositories: {
            // the docs' own example (docs/access-control.md, "Release tags are immutable")
            'prod/**': {
              policies: [
                {
                  groups: ['dev'],
                  actions: ['read', 'create', 'update'],
                  conditions: [
                    { expression: RELEASE_CONDITION, message: 'release tags cannot be overwritten' },
                  ],
                },
              ],
            },
          },
        },
      },
    });
    released = await imageManifest(registry.url, 'prod/app', 'release', bob);
    other = await imageManifest(registry.url, 'prod/app', 'other', bob);
    expect((await putManifest(registry.url, 'prod/app', 'v1.0.0', released.body, bob)).status).toBe(201);
  });
  afterAll(async () => {
    await registry?.dispose();
    files.remove();
  });

  it('refuses moving a release tag by its URL (the refusal that always held)', async () => {
    const answer = await putManifest(registry.url, 'prod/app', 'v1.0.0', other.body, bob);
    expect(answer).toEqual({ status: 403, code: 'DENIED' });
  });

  it('refuses moving it with ?tag= on a push by digest, or under another tag', async () => {
    expect(await putManifest(registry.url, 'prod/app', other.digest, other.body, bob, ['v1.0.0'])).toEqual({
      status: 403,
      code: 'DENIED',
    });
    expect(await putManifest(registry.url, 'prod/app', 'dev-x', other.body, bob, ['v1.0.0'])).toEqual({
      status: 403,
      code: 'DENIED',
    });
    expect(
      await putManifest(registry.url, 'prod/app', 'dev-y', other.body, bob, ['dev-z', 'v1.0.0']),
    ).toEqual({ status: 403, code: 'DENIED' });
    expect(await digestOfTag(registry.url, 'prod/app', 'v1.0.0', admin)).toBe(released.digest);
    // nothing of a refused request was written: not even its other tags
    expect(await digestOfTag(registry.url, 'prod/app', 'dev-x', admin)).toBeUndefined();
    expect(await digestOfTag(registry.url, 'prod/app', 'dev-y', admin)).toBeUndefined();
    expect(await digestOfTag(registry.url, 'prod/app', 'dev-z', admin)).toBeUndefined();
  });

  it('still lets ?tag= create a new release tag and move a dev tag', async () => {
    expect(
      (await putManifest(registry.url, 'prod/app', other.digest, other.body, bob, ['v2.0.0'])).status,
    ).toBe(201);
    expect((await putManifest(registry.url, 'prod/app', 'dev-a', other.body, bob, ['dev-b'])).status).toBe(
      201,
    );
    expect((await putManifest(registry.url, 'prod/app', 'dev-a', released.body, bob, ['dev-b'])).status).toBe(
      201,
    );
    expect(await digestOfTag(registry.url, 'prod/app', 'dev-b', admin)).toBe(released.digest);
  });
});

describe('bearer tokens (21.6, 13.3): access names are literal; push covers DELETE', () => {
  const realm = 'https://auth.example.test/token';
  const service = 'zot.example.test';
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const files = htpasswdDirectory({});
  let registry: TestRegistry;

  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const token = (access: unknown, header: object = { alg: 'RS256', typ: 'JWT' }) => {
    const now = Math.floor(Date.now() / 1000);
    const body = `${b64(header)}.${b64({ sub: 'ci', aud: service, iat: now, exp: now + 300, access })}`;
    const signature = createSign('RSA-SHA256').update(body).sign(signingKey.privateKey).toString('base64url');
    return { Authorization: `Bearer ${body}.${signature}` };
  };
  const grant = (name: string, actions: string[]) => [{ type: 'repository', name, actions }];

  beforeAll(async () => {
    const cert = join(files.directory, 'token.pem');
    writeFileSync(cert, signingKey.publicKey.export({ type: 'spki', format: 'pem' }));
    registry = await startTestRegistry({ http: { auth: { bearer: { realm, service, cert } } } });
    expect((await pushImage(registry.url, 'prod/app', 'v1', token(grant('prod/app', ['push'])))).status).toBe(
      201,
    );
  });
  afterAll(async () => {
    await registry?.dispose();
    files.remove();
  });

  it('grants nothing to a token naming `**`, `prod/*` or `{prod/app,sandbox}`', async () => {
    for (const name of ['**', 'prod/*', '{prod/app,sandbox}', 'prod/**', 'prod/ap?']) {
      const answer = await get(registry.url, '/v2/prod/app/manifests/v1', token(grant(name, ['pull'])));
      expect(answer.status, name).toBe(401);
      expect(answer.headers.get('www-authenticate'), name).toContain('error="insufficient_scope"');
    }
    expect(
      (await get(registry.url, '/v2/prod/app/manifests/v1', token(grant('prod/app', ['pull'])))).status,
    ).toBe(200);
  });

  it('refuses a token with alg none, and a pull token for DELETE (the refusals that always held)', async () => {
    const unsigned = `${b64({ alg: 'none' })}.${b64({ sub: 'ci', aud: service, exp: 9e9, access: grant('prod/app', ['*']) })}.`;
    expect(
      (await get(registry.url, '/v2/prod/app/manifests/v1', { Authorization: `Bearer ${unsigned}` })).status,
    ).toBe(401);
    const pull = token(grant('prod/app', ['pull']));
    const answer = await get(registry.url, '/v2/prod/app/manifests/v1', pull, 'DELETE');
    expect(answer.status).toBe(401);
    // the challenge of a DELETE asks for push or delete: a token server set up for zot grants push
    expect(answer.headers.get('www-authenticate')).toContain('scope="repository:prod/app:push,delete"');
  });

  it('lets a push token delete, as zot does (and a delete token still works)', async () => {
    expect(
      (await get(registry.url, '/v2/prod/app/manifests/v1', token(grant('prod/app', ['push'])), 'DELETE'))
        .status,
    ).toBe(202);
    expect((await pushImage(registry.url, 'prod/app', 'v2', token(grant('prod/app', ['push'])))).status).toBe(
      201,
    );
    expect(
      (await get(registry.url, '/v2/prod/app/manifests/v2', token(grant('prod/app', ['delete'])), 'DELETE'))
        .status,
    ).toBe(202);
  });
});

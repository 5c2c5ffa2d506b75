// Issue 5, Docker token authentication through the real server: the Bearer challenge, tokens whose `access`
// claims decide, forged and expired tokens refused with 401, and insufficient_scope for a token lacking a scope.
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, pushImage } from './auth-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

const realm = 'https://auth.example.test/token';
const service = 'zot.example.test';
const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 });

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function token(claims: Record<string, unknown>, key: KeyObject = signingKey.privateKey): string {
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ aud: service, iat: now, exp: now + 300, ...claims })}`;
  const signature = createSign('RSA-SHA256').update(body).sign(key).toString('base64url');
  return `${body}.${signature}`;
}
const bearer = (jwt: string) => ({ Authorization: `Bearer ${jwt}` });
const access = (name: string, actions: string[]) => [{ type: 'repository', name, actions }];

let registry: TestRegistry;
let directory: string;
beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'zot-bearer-'));
  const cert = join(directory, 'token.pem');
  writeFileSync(cert, signingKey.publicKey.export({ type: 'spki', format: 'pem' }));
  registry = await startTestRegistry({ http: { auth: { bearer: { realm, service, cert } } } });
});
afterAll(async () => {
  await registry?.dispose();
  rmSync(directory, { recursive: true, force: true });
});

describe('bearer tokens', () => {
  it('challenges anonymous callers with the realm, service and scope', async () => {
    const answer = await get(registry.url, '/v2/lib/app/tags/list');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe(
      `Bearer realm="${realm}",service="${service}",scope="repository:lib/app:pull"`,
    );
  });

  it('lets a token push and pull what its access claim grants', async () => {
    const jwt = token({ sub: 'ci', access: access('lib/app', ['pull', 'push']) });
    expect((await pushImage(registry.url, 'lib/app', 'v1', bearer(jwt))).status).toBe(201);
    expect((await get(registry.url, '/v2/lib/app/manifests/v1', bearer(jwt))).status).toBe(200);
    expect((await get(registry.url, '/v2/', bearer(jwt))).status).toBe(200);
  });

  it('answers 401 with error="insufficient_scope" when the token lacks the scope, and writes nothing', async () => {
    const pullOnly = token({ sub: 'ci', access: access('lib/app', ['pull']) });
    const push = await pushImage(registry.url, 'lib/other', 'v1', bearer(pullOnly));
    expect(push.status).toBe(401);
    expect(push.wwwAuthenticate).toBe(
      `Bearer realm="${realm}",service="${service}",scope="repository:lib/other:push",error="insufficient_scope"`,
    );
    const full = token({ sub: 'ci', access: access('lib/other', ['pull']) });
    expect((await get(registry.url, '/v2/lib/other/tags/list', bearer(full))).status).toBe(404);
  });

  it('refuses forged, expired, not-yet-valid and wrong-audience tokens with 401', async () => {
    const grant = access('lib/app', ['pull', 'push']);
    const now = Math.floor(Date.now() / 1000);
    const refused = [
      token({ sub: 'ci', access: grant }, otherKey.privateKey),
      token({ sub: 'ci', access: grant, exp: now - 3600, iat: now - 7200 }),
      token({ sub: 'ci', access: grant, nbf: now + 3600 }),
      token({ sub: 'ci', access: grant, aud: 'another-service' }),
      `${token({ sub: 'ci', access: grant }).slice(0, -4)}AAAA`,
    ];
    for (const jwt of refused) {
      const push = await pushImage(registry.url, 'lib/forged', 'v1', bearer(jwt));
      expect(push.status).toBe(401);
      expect(push.body?.errors?.[0]?.code).toBe('UNAUTHORIZED');
    }
    const reader = token({ sub: 'ci', access: access('lib/forged', ['pull']) });
    expect((await get(registry.url, '/v2/lib/forged/tags/list', bearer(reader))).status).toBe(404);
  });

  it('lists the whole catalog to a token granted registry:catalog:*, and only named repositories otherwise', async () => {
    const pusher = token({ sub: 'ci', access: access('lib/listed', ['pull', 'push']) });
    expect((await pushImage(registry.url, 'lib/listed', 'v1', bearer(pusher))).status).toBe(201);
    const catalog = async (claims: object[]) =>
      (await get(registry.url, '/v2/_catalog', bearer(token({ sub: 'ci', access: claims })))).json
        .repositories;
    const everything = await catalog([{ type: 'registry', name: 'catalog', actions: ['*'] }]);
    expect(everything).toEqual(expect.arrayContaining(['lib/app', 'lib/listed']));
    // zot's own catalog check asks for pull on the repository named ""
    expect(await catalog(access('', ['pull']))).toEqual(everything);
    expect(await catalog(access('lib/listed', ['pull']))).toEqual(['lib/listed']);
    expect(await catalog([{ type: 'registry', name: 'catalog', actions: ['list'] }])).toEqual([]);
    // listing is not pulling
    const lister = token({ sub: 'ci', access: [{ type: 'registry', name: 'catalog', actions: ['*'] }] });
    expect((await get(registry.url, '/v2/lib/listed/manifests/v1', bearer(lister))).status).toBe(401);
  });

  it('reports bearer in the mgmt endpoint', async () => {
    const answer = await get(registry.url, '/v2/_zot/ext/mgmt');
    expect(answer.json.http).toEqual({ auth: { bearer: { realm, service } } });
  });
});

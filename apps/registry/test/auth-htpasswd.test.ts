// Issue 5 through the real server: htpasswd logins, API keys over HTTP, sessions, the mgmt endpoint, and refusals
// that write nothing. One server for the file; its clock is a variable so keys can expire.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, get, htpasswdLines, pushImage, rawGet } from './auth-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

let registry: TestRegistry;
let directory: string;
let clock = new Date('2030-01-01T00:00:00Z');
const alice = { Authorization: basic('alice', 'alice-pw') };

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'zot-htpasswd-'));
  const path = join(directory, 'htpasswd');
  writeFileSync(path, htpasswdLines({ alice: 'alice-pw', bob: 'bob-pw' }));
  registry = await startTestRegistry(
    { http: { realm: 'zot-test', auth: { htpasswd: { path }, apikey: true } } },
    { now: () => clock },
  );
});
afterAll(async () => {
  await registry?.dispose();
  rmSync(directory, { recursive: true, force: true });
});

async function createKey(body: Record<string, unknown>, headers = alice) {
  const response = await fetch(`${registry.url}/zot/auth/apikey`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    json: (await response.json().catch(() => ({}))) as Record<string, unknown>,
  };
}

describe('htpasswd', () => {
  it('challenges anonymous callers with Basic realm and UNAUTHORIZED', async () => {
    const answer = await get(registry.url, '/v2/');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Basic realm="zot-test"');
    expect(answer.json.errors?.[0]?.code).toBe('UNAUTHORIZED');
  });

  it('serves a user with the right password, and lets them push and pull', async () => {
    expect((await get(registry.url, '/v2/', alice)).status).toBe(200);
    expect((await pushImage(registry.url, 'team/app', 'v1', alice)).status).toBe(201);
    expect((await get(registry.url, '/v2/team/app/manifests/v1', alice)).status).toBe(200);
  });

  it('refuses wrong passwords and unknown users with 401, and writes nothing', async () => {
    for (const header of [basic('alice', 'wrong'), basic('mallory', 'alice-pw')]) {
      const push = await pushImage(registry.url, 'intruder/app', 'v1', { Authorization: header });
      expect(push.status).toBe(401);
      expect(push.wwwAuthenticate).toBe('Basic realm="zot-test"');
    }
    const catalog = await get(registry.url, '/v2/_catalog', alice);
    expect(catalog.json.repositories).not.toContain('intruder/app');
  });

  it('refuses a request carrying two Authorization headers', async () => {
    const status = await rawGet(registry.url, '/v2/', [
      ['Authorization', alice.Authorization],
      ['Authorization', basic('bob', 'bob-pw')],
    ]);
    expect(status).toBe(401);
  });
});

describe('API keys over HTTP', () => {
  it('answers 401 to anonymous callers', async () => {
    expect((await get(registry.url, '/zot/auth/apikey')).status).toBe(401);
    expect((await createKey({ label: 'x' }, {} as typeof alice)).status).toBe(401);
  });

  it('creates a key shown once, lists it without secrets, and accepts it as the password', async () => {
    const created = await createKey({ label: 'ci', scopes: [] });
    expect(created.status).toBe(201);
    const apiKey = created.json.apiKey as string;
    expect(apiKey).toMatch(/^zak_[0-9a-f]{32}$/);
    const list = await get(registry.url, '/zot/auth/apikey', alice);
    const keys = list.json.apiKeys as Array<Record<string, unknown>>;
    const listed = keys.find((key) => key.uuid === created.json.uuid);
    expect(listed).toMatchObject({ label: 'ci', isExpired: false });
    expect(JSON.stringify(list.json)).not.toContain(apiKey.slice(4));
    const withKey = { Authorization: basic('alice', apiKey) };
    expect((await pushImage(registry.url, 'team/keyed', 'v1', withKey)).status).toBe(201);
    // the key belongs to alice: bob cannot use it
    expect((await get(registry.url, '/v2/', { Authorization: basic('bob', apiKey) })).status).toBe(401);
  });

  it('refuses a revoked key with 401', async () => {
    const created = await createKey({ label: 'temp' });
    const withKey = { Authorization: basic('alice', created.json.apiKey as string) };
    expect((await get(registry.url, '/v2/', withKey)).status).toBe(200);
    const revoked = await fetch(`${registry.url}/zot/auth/apikey?id=${created.json.uuid}`, {
      method: 'DELETE',
      headers: alice,
    });
    expect(revoked.status).toBe(200);
    expect((await pushImage(registry.url, 'team/revoked', 'v1', withKey)).status).toBe(401);
  });

  it('refuses a key once it has expired, and writes nothing', async () => {
    const created = await createKey({ label: 'short', expirationDate: '2030-01-02T00:00:00Z' });
    expect(created.status).toBe(201);
    const withKey = { Authorization: basic('alice', created.json.apiKey as string) };
    expect((await get(registry.url, '/v2/', withKey)).status).toBe(200);
    clock = new Date('2030-01-03T00:00:00Z');
    try {
      expect((await pushImage(registry.url, 'team/expired', 'v1', withKey)).status).toBe(401);
      const listed = (await get(registry.url, '/zot/auth/apikey', alice)).json.apiKeys as Array<
        Record<string, unknown>
      >;
      expect(listed.find((key) => key.uuid === created.json.uuid)?.isExpired).toBe(true);
    } finally {
      clock = new Date('2030-01-01T00:00:00Z');
    }
    expect((await get(registry.url, '/v2/team/expired/tags/list', alice)).status).toBe(404);
  });

  it('limits a scoped key to its repositories and actions: 403 elsewhere, and nothing written', async () => {
    const created = await createKey({ label: 'scoped', scopes: ['team/**:read'] });
    expect(created.status).toBe(201);
    const withKey = { Authorization: basic('alice', created.json.apiKey as string) };
    expect((await get(registry.url, '/v2/team/app/manifests/v1', withKey)).status).toBe(200);
    const push = await pushImage(registry.url, 'team/scoped-push', 'v1', withKey);
    expect(push.status).toBe(403);
    expect(push.body?.errors?.[0]?.code).toBe('DENIED');
    expect((await get(registry.url, '/v2/other/app/tags/list', withKey)).status).toBe(403);
    // the catalog shows only what the key may read
    const catalog = (await get(registry.url, '/v2/_catalog', withKey)).json.repositories as string[];
    expect(catalog.every((name) => name.startsWith('team/'))).toBe(true);
    // and a limited key cannot mint an unlimited one
    expect((await createKey({ label: 'escape' }, withKey)).status).toBe(403);
    expect((await get(registry.url, '/v2/team/scoped-push/tags/list', alice)).status).toBe(404);
  });
});

describe('sessions', () => {
  it('opens a session for the UI after a basic login, reads the cookie, and logout ends it', async () => {
    const ui = { 'X-ZOT-API-CLIENT': 'zot-ui' };
    const login = await fetch(`${registry.url}/v2/_catalog`, { headers: { ...alice, ...ui } });
    expect(login.status).toBe(200);
    const cookies = login.headers.getSetCookie();
    const session = cookies.find((cookie) => cookie.startsWith('session='));
    expect(session).toMatch(/HttpOnly/);
    expect(session).not.toMatch(/Secure/); // plain HTTP without secureSession
    const cookie = (session ?? '').split(';')[0] ?? '';
    expect((await get(registry.url, '/v2/_catalog', { ...ui, Cookie: cookie })).status).toBe(200);
    const logout = await fetch(`${registry.url}/zot/auth/logout`, {
      method: 'POST',
      headers: { ...ui, Cookie: cookie },
    });
    expect(logout.status).toBe(200);
    expect(logout.headers.getSetCookie().some((c) => c.startsWith('session=;'))).toBe(true);
    expect((await get(registry.url, '/v2/_catalog', { ...ui, Cookie: cookie })).status).toBe(401);
  });
});

describe('GET /v2/_zot/ext/mgmt', () => {
  it('lists the enabled methods without paths or secrets, to anonymous callers too', async () => {
    const answer = await get(registry.url, '/v2/_zot/ext/mgmt');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      distSpecVersion: '1.1.1',
      http: { auth: { htpasswd: {}, apikey: true } },
    });
    expect(JSON.stringify(answer.json)).not.toContain(registry.directory);
  });
});

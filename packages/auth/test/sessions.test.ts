import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryMetaStore } from '@zot-ts/metastore';
import { describe, expect, it } from 'vitest';
import { createSessionService, type Identity, loadSessionKeysFile } from '../src/index.js';
import { requestInfo } from './helpers.js';

const alice: Identity = { username: 'alice', groups: ['dev'], method: 'basic' };
const ui = { 'x-zot-api-client': 'zot-ui' };
const cookieHeader = (setCookies: string[]) => setCookies.map((c) => c.split(';')[0]).join('; ');

function setup(options: { secureSession?: boolean } = {}) {
  let now = new Date('2025-06-01T00:00:00Z');
  const metaStore = createMemoryMetaStore();
  const sessions = createSessionService({ metaStore, now: () => now, ...options });
  return { sessions, metaStore, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

describe('sessions', () => {
  it('issues an HttpOnly, SameSite=Lax session cookie that names the user for 2 hours', async () => {
    const { sessions, advance } = setup();
    const cookies = await sessions.issue(alice, { tls: { enabled: false } });
    expect(cookies[0]).toMatch(/^session=v1\.[^;]+; Path=\/; Max-Age=7200; SameSite=Lax; HttpOnly$/);
    expect(cookies[1]).toMatch(/^user=alice;/);
    const request = requestInfo({ ...ui, cookie: cookieHeader(cookies) });
    // a basic login's session has no groups of its own: static groups come from the live config
    expect(await sessions.lookup(request)).toMatchObject({
      kind: 'valid',
      identity: { username: 'alice', groups: [], method: 'session' },
      loginMethod: alice.method,
    });
    advance(2 * 60 * 60 * 1000 + 1);
    expect(await sessions.lookup(request)).toEqual({ kind: 'invalid' });
  });

  it('marks the cookie Secure over TLS or with secureSession', async () => {
    expect((await setup().sessions.issue(alice, { tls: { enabled: true } }))[0]).toContain('; Secure');
    const forced = setup({ secureSession: true });
    expect((await forced.sessions.issue(alice, { tls: { enabled: false } }))[0]).toContain('; Secure');
  });

  it('refuses a tampered cookie and ignores cookies without the UI header', async () => {
    const { sessions } = setup();
    const cookies = await sessions.issue(alice, { tls: { enabled: false } });
    const value = cookieHeader(cookies.slice(0, 1));
    const tampered = `${value.slice(0, -3)}${value.endsWith('A') ? 'B' : 'A'}AA`;
    expect(await sessions.lookup(requestInfo({ ...ui, cookie: tampered }))).toEqual({ kind: 'invalid' });
    expect(await sessions.lookup(requestInfo({ cookie: value }))).toEqual({ kind: 'none' });
  });

  it('a cookie made with other keys is refused', async () => {
    const a = setup();
    const b = setup();
    const cookies = await a.sessions.issue(alice, { tls: { enabled: false } });
    expect(await b.sessions.lookup(requestInfo({ ...ui, cookie: cookieHeader(cookies) }))).toEqual({
      kind: 'invalid',
    });
  });

  it('logout revokes the session on the server and clears the cookies', async () => {
    const { sessions } = setup();
    const cookies = await sessions.issue(alice, { tls: { enabled: false } });
    const response = await sessions.logout(
      new Request('http://registry/zot/auth/logout', {
        method: 'POST',
        headers: { cookie: cookieHeader(cookies) },
      }),
    );
    expect(response.status).toBe(200);
    expect(
      response.headers.getSetCookie().some((c) => c.startsWith('session=;') && c.includes('Max-Age=0')),
    ).toBe(true);
    // Replaying the old cookie no longer works.
    expect(await sessions.lookup(requestInfo({ ...ui, cookie: cookieHeader(cookies) }))).toEqual({
      kind: 'invalid',
    });
  });

  it('keeps the OIDC provider and ID token with the session, for logout without the UI header', async () => {
    const { sessions } = setup();
    const oidcUser: Identity = { username: 'bob@example.com', groups: ['team-a'], method: 'oidc' };
    const cookies = await sessions.issue(
      oidcUser,
      { tls: { enabled: false } },
      {
        provider: 'keycloak',
        idToken: 'header.payload.signature',
      },
    );
    const request = new Request('http://registry/zot/auth/logout', {
      method: 'POST',
      headers: { cookie: cookieHeader(cookies) },
    });
    const current = await sessions.current(request);
    expect(current).toMatchObject({
      username: 'bob@example.com',
      method: 'oidc',
      provider: 'keycloak',
      idToken: 'header.payload.signature',
    });
    await sessions.revoke(current?.sessionId ?? '');
    expect(await sessions.current(request)).toBeUndefined();
    expect(await sessions.lookup(requestInfo({ ...ui, cookie: cookieHeader(cookies) }))).toEqual({
      kind: 'invalid',
    });
  });

  it('a basic-login session has no provider or ID token, and a missing cookie has no session', async () => {
    const { sessions } = setup();
    const cookies = await sessions.issue(alice, { tls: { enabled: false } });
    const current = await sessions.current(requestInfo({ cookie: cookieHeader(cookies) }));
    expect(current).toEqual({ sessionId: expect.any(String), username: 'alice', method: 'basic' });
    expect(await sessions.current(requestInfo({}))).toBeUndefined();
  });

  it("reads zot's sessionKeysFile, so cookies survive a restart", async () => {
    const directory = await mkdtemp(join(tmpdir(), 'session-keys-'));
    const path = join(directory, 'keys.json');
    await writeFile(path, JSON.stringify({ hashKey: 'h'.repeat(64), encryptKey: 'e'.repeat(32) }));
    const keys = await loadSessionKeysFile(path);
    const metaStore = createMemoryMetaStore();
    const before = createSessionService({ metaStore, keys });
    const after = createSessionService({ metaStore, keys: await loadSessionKeysFile(path) });
    const cookies = await before.issue(alice, { tls: { enabled: false } });
    expect((await after.lookup(requestInfo({ ...ui, cookie: cookieHeader(cookies) }))).kind).toBe('valid');
    await writeFile(path, JSON.stringify({ encryptKey: 'x' }));
    await expect(loadSessionKeysFile(path)).rejects.toMatchObject({ code: 'SESSION_KEYS_INVALID' });
  });

  it('purges expired sessions on a schedule, and ends the oldest past the per-user cap', async () => {
    const metaStore = createMemoryMetaStore();
    let now = new Date('2025-06-01T00:00:00Z');
    const purged: Date[] = [];
    const purgeExpired = metaStore.sessions.purgeExpired.bind(metaStore.sessions);
    metaStore.sessions.purgeExpired = async (at: Date) => {
      purged.push(at);
      return purgeExpired(at);
    };
    const sessions = createSessionService({
      metaStore,
      now: () => now,
      purgeIntervalMs: 20,
      maxSessionsPerUser: 2,
    });
    const first = await sessions.issue(alice, { tls: { enabled: false } });
    await sessions.issue(alice, { tls: { enabled: false } });
    const lookup = (cookies: string[]) =>
      sessions.lookup(requestInfo({ ...ui, cookie: cookieHeader(cookies) }));
    expect((await lookup(first)).kind).toBe('valid');
    const third = await sessions.issue(alice, { tls: { enabled: false } });
    expect((await lookup(first)).kind).toBe('invalid'); // the oldest of three, past the cap of two
    expect((await lookup(third)).kind).toBe('valid');

    now = new Date(now.getTime() + 3 * 60 * 60 * 1000);
    const before = purged.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(purged.length).toBeGreaterThan(before);
    expect(await metaStore.sessions.purgeExpired(now)).toBe(0); // the scheduled purge already removed them
    sessions.close();
  });
});

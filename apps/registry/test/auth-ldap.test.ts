// Issue 22: LDAP logins (http.auth.ldap) against a real OpenLDAP (Debian's slapd, started once for this file by
// ldap-fixtures.ts): htpasswd then LDAP; wrong passwords, userFilter and filter injection in the username
// refused; an LDAP group granting a repository through accessControl (a group policy and a CEL condition); UI
// sessions and API keys keeping the LDAP groups; skopeo pushing and pulling as an LDAP user.
// TLS, the service account and outages are in auth-ldap-connection.test.ts.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic } from './auth-fixtures.js';
import { DEVS, type LdapSetup, type Logged, PLATFORM, ping, setUpLdap } from './ldap-fixtures.js';
import { writeImageLayout } from './oci-layout-fixture.js';

const run = promisify(execFile);
let setup: LdapSetup;
let directory: string;

beforeAll(async () => {
  setup = await setUpLdap();
  directory = setup.directory;
  writeImageLayout(join(directory, 'image'));
}, 60_000);

afterAll(async () => {
  await setup?.dispose();
});

describe('LDAP over plain LDAP, with access control', () => {
  let plain: Logged;
  beforeAll(async () => {
    plain = await setup.startWithLdap(
      { userFilter: '(!(description=disabled))' },
      {
        apikeyOn: true,
        accessControl: {
          repositories: {
            'devs/**': { policies: [{ groups: [DEVS], actions: ['read', 'create', 'update'] }] },
            'platform/**': {
              policies: [
                {
                  actions: ['read', 'create'],
                  condition: `req.user.groups.exists(g, g == "${PLATFORM}")`,
                },
              ],
            },
            'hilda/**': { policies: [{ users: ['hilda'], actions: ['read', 'create'] }] },
          },
        },
      },
    );
  });

  it('logs an LDAP user in, and an htpasswd user too (htpasswd first, then LDAP)', async () => {
    expect(await ping(plain.registry, 'alice', 'alice-ldap-pw')).toBe(200);
    expect(await ping(plain.registry, 'hilda', 'hilda-pw')).toBe(200);
  });

  it('answers a wrong password, an unknown user and an empty password with 401', async () => {
    expect(await ping(plain.registry, 'alice', 'wrong')).toBe(401);
    expect(await ping(plain.registry, 'nobody', 'alice-ldap-pw')).toBe(401);
    expect(await ping(plain.registry, 'alice', '')).toBe(401);
  });

  it('applies userFilter: a user it excludes cannot log in', async () => {
    expect(await ping(plain.registry, 'dave', 'dave-ldap-pw')).toBe(401);
  });

  it.each(['*', ')(', 'al*', '*)(uid=*', 'admin)(uid=*', 'alice)(|(uid=*', 'alice\\00', 'alice\0', '\\2a'])(
    'refuses the injection attempt %j with 401, matching nobody',
    async (username) => {
      // with any user's password: an unescaped filter would find alice (or several users) and bind as her
      expect(await ping(plain.registry, username, 'alice-ldap-pw')).toBe(401);
      expect(await ping(plain.registry, username, 'admin-ldap-pw')).toBe(401);
    },
  );

  it('grants a repository to an LDAP group (memberOf), and not to a user outside it', async () => {
    const post = (user: string, password: string) =>
      fetch(`${plain.registry.url}/v2/devs/app/blobs/uploads/`, {
        method: 'POST',
        headers: { Authorization: basic(user, password) },
      });
    expect((await post('alice', 'alice-ldap-pw')).status).toBe(202);
    const denied = await post('bob', 'bob-ldap-pw');
    expect(denied.status).toBe(403);
  });

  it('feeds LDAP groups to CEL conditions', async () => {
    const post = (user: string, password: string) =>
      fetch(`${plain.registry.url}/v2/platform/app/blobs/uploads/`, {
        method: 'POST',
        headers: { Authorization: basic(user, password) },
      });
    expect((await post('carol', 'carol-ldap-pw')).status).toBe(202);
    expect((await post('alice', 'alice-ldap-pw')).status).toBe(403);
  });

  it('opens a UI session for an LDAP login that keeps her LDAP groups', async () => {
    const UI = { 'X-ZOT-API-CLIENT': 'zot-ui' };
    const login = await fetch(`${plain.registry.url}/v2/_catalog`, {
      headers: { ...UI, Authorization: basic('alice', 'alice-ldap-pw') },
    });
    expect(login.status).toBe(200);
    const session = login.headers.getSetCookie().find((cookie) => cookie.startsWith('session='));
    expect(session).toBeDefined();
    const cookie = (session as string).split(';')[0] as string;
    const upload = await fetch(`${plain.registry.url}/v2/devs/session-app/blobs/uploads/`, {
      method: 'POST',
      headers: { ...UI, Cookie: cookie },
    });
    expect(upload.status).toBe(202);
  });

  it("gives an LDAP user's API key her LDAP groups, and keeps it although htpasswd does not list her", async () => {
    const created = await fetch(`${plain.registry.url}/zot/auth/apikey`, {
      method: 'POST',
      headers: { Authorization: basic('alice', 'alice-ldap-pw'), 'Content-Type': 'application/json' },
      body: JSON.stringify({ label: 'ci' }),
    });
    expect(created.status).toBe(201);
    const { apiKey } = (await created.json()) as { apiKey: string };
    for (let attempt = 0; attempt < 2; attempt++) {
      const upload = await fetch(`${plain.registry.url}/v2/devs/key-app/blobs/uploads/`, {
        method: 'POST',
        headers: { Authorization: basic('alice', apiKey) },
      });
      expect(upload.status).toBe(202);
    }
  });

  it('lets skopeo push and pull as an LDAP user through the real server', async () => {
    const host = new URL(plain.registry.url).host;
    await run('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      '--dest-creds',
      'alice:alice-ldap-pw',
      `oci:${join(directory, 'image')}:v1`,
      `docker://${host}/devs/app:v1`,
    ]);
    const pulled = join(directory, 'pulled');
    await run('skopeo', [
      'copy',
      '--src-tls-verify=false',
      '--src-creds',
      'alice:alice-ldap-pw',
      `docker://${host}/devs/app:v1`,
      `oci:${pulled}:v1`,
    ]);
    const refused = await run('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      '--dest-creds',
      'bob:bob-ldap-pw',
      `oci:${join(directory, 'image')}:v1`,
      `docker://${host}/devs/other:v1`,
    ]).then(
      () => undefined,
      (error: { stderr: string }) => error.stderr,
    );
    expect(refused).toMatch(/403 \(Forbidden\)/);
  }, 60_000);
});

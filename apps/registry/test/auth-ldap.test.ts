// Issue 22: LDAP logins (http.auth.ldap) against a real OpenLDAP (Debian's slapd, started once for this file):
// plain, StartTLS and LDAPS (with caCert, with skipVerify, and refused without either); skopeo pushing and
// pulling as an LDAP user; an LDAP group granting a repository through accessControl (a group policy and a CEL
// condition); wrong passwords and filter injection in the username refused; cached logins costing no LDAP
// round trip; LDAP stopped or hung answered with a 401 and one log line, never a hang.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, htpasswdLines } from './auth-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';
import { writeImageLayout } from './oci-layout-fixture.js';
import { PEOPLE, SERVICE_DN, SERVICE_PASSWORD, type Slapd, startSlapd } from './slapd-server.js';

const run = promisify(execFile);
const DEVS = 'cn=devs,ou=groups,dc=example,dc=org';
const PLATFORM = 'cn=platform,ou=groups,dc=example,dc=org';

/** A registry whose log lines are kept, to find the outage line. */
interface Logged {
  registry: TestRegistry;
  lines: () => Array<Record<string, unknown>>;
}

let slapd: Slapd;
let directory: string;
const started: TestRegistry[] = [];

async function startWithLdap(
  ldap: Record<string, unknown>,
  { apikeyOn, ...extra }: Record<string, unknown> = {},
): Promise<Logged> {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const registry = await startTestRegistry(
    {
      http: {
        auth: {
          ldap: {
            address: '127.0.0.1',
            port: slapd.plainPort,
            insecure: true,
            credentialsFile: join(directory, 'ldap-credentials.json'),
            baseDN: PEOPLE,
            userAttribute: 'uid',
            userGroupAttribute: 'memberOf',
            ...ldap,
          },
          htpasswd: { path: join(directory, 'htpasswd') },
          ...(apikeyOn === true ? { apikey: true } : {}),
        },
        ...extra,
      },
    },
    { stdout },
  );
  started.push(registry);
  const lines = () =>
    text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { registry, lines };
}

const ping = async (registry: TestRegistry, user: string, password: string) => {
  const response = await fetch(`${registry.url}/v2/`, { headers: { Authorization: basic(user, password) } });
  await response.arrayBuffer();
  return response.status;
};

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'zot-ldap-'));
  slapd = await startSlapd([
    { uid: 'alice', password: 'alice-ldap-pw', groups: [DEVS] },
    { uid: 'bob', password: 'bob-ldap-pw' },
    { uid: 'carol', password: 'carol-ldap-pw', groups: [PLATFORM] },
    { uid: 'dave', password: 'dave-ldap-pw', description: 'disabled' },
    { uid: 'admin', password: 'admin-ldap-pw' },
    { uid: 'late', password: 'late-ldap-pw' },
  ]);
  writeFileSync(
    join(directory, 'ldap-credentials.json'),
    JSON.stringify({ bindDN: SERVICE_DN, bindPassword: SERVICE_PASSWORD }),
  );
  writeFileSync(join(directory, 'htpasswd'), htpasswdLines({ hilda: 'hilda-pw' }));
  writeImageLayout(join(directory, 'image'));
}, 60_000);

afterAll(async () => {
  for (const registry of started) await registry.dispose();
  await slapd?.dispose();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe('LDAP over plain LDAP, with access control', () => {
  let plain: Logged;
  beforeAll(async () => {
    plain = await startWithLdap(
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

describe('LDAP with TLS', () => {
  it('logs in over StartTLS (insecure: true, startTLS: true) with caCert', async () => {
    const { registry } = await startWithLdap({ startTLS: true, caCert: slapd.caCertPath });
    expect(await ping(registry, 'alice', 'alice-ldap-pw')).toBe(200);
    expect(await ping(registry, 'alice', 'wrong')).toBe(401);
  });

  it('logs in over LDAPS (insecure: false) with caCert', async () => {
    const { registry } = await startWithLdap({
      insecure: false,
      port: slapd.ldapsPort,
      caCert: slapd.caCertPath,
    });
    expect(await ping(registry, 'alice', 'alice-ldap-pw')).toBe(200);
  });

  it('logs in over LDAPS with skipVerify and no caCert', async () => {
    const { registry } = await startWithLdap({ insecure: false, port: slapd.ldapsPort, skipVerify: true });
    expect(await ping(registry, 'alice', 'alice-ldap-pw')).toBe(200);
  });

  it('refuses an LDAPS server it cannot verify: 401 and a log line naming the certificate problem', async () => {
    const { registry, lines } = await startWithLdap({ insecure: false, port: slapd.ldapsPort });
    expect(await ping(registry, 'alice', 'alice-ldap-pw')).toBe(401);
    const outage = lines().filter((line) => line.message === 'LDAP server unavailable: login refused');
    expect(outage).toHaveLength(1);
    expect(String(outage[0]?.error)).toMatch(/certificate/);
  });
});

describe('LDAP service account', () => {
  it('is re-read when its credentials file changes, as zot hot-reloads it', async () => {
    const file = join(directory, 'rotating-credentials.json');
    writeFileSync(file, JSON.stringify({ bindDN: SERVICE_DN, bindPassword: 'not-the-password' }));
    const { registry, lines } = await startWithLdap({ credentialsFile: file });
    // the service bind is refused: the directory cannot be asked, so the login is refused and logged
    expect(await ping(registry, 'carol', 'carol-ldap-pw')).toBe(401);
    expect(lines().find((line) => line.message === 'LDAP server unavailable: login refused')).toMatchObject({
      stage: 'service bind',
    });
    writeFileSync(file, JSON.stringify({ bindDN: SERVICE_DN, bindPassword: SERVICE_PASSWORD }));
    const deadline = Date.now() + 10_000;
    let status = 401;
    while (status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = await ping(registry, 'carol', 'carol-ldap-pw');
    }
    expect(status).toBe(200);
    expect(JSON.stringify(lines())).not.toContain(SERVICE_PASSWORD);
  }, 20_000);
});

describe('LDAP login cache and outages', () => {
  it('serves cached logins without LDAP; a new login fails fast with one log line; a hung server times out', async () => {
    const { registry, lines } = await startWithLdap({});
    const timed = async (user: string, password: string) => {
      const started = performance.now();
      const status = await ping(registry, user, password);
      return { status, ms: performance.now() - started };
    };
    const first = await timed('carol', 'carol-ldap-pw');
    const cached = await timed('carol', 'carol-ldap-pw');
    expect(first.status).toBe(200);
    expect(cached.status).toBe(200);
    console.info(`LDAP login: first ${first.ms.toFixed(1)} ms, cached ${cached.ms.toFixed(1)} ms`);

    await slapd.stop();
    try {
      // within the cache's 60 s the directory is not asked: the login still works with the server down
      expect((await timed('carol', 'carol-ldap-pw')).status).toBe(200);
      // a login not in the cache needs the directory: refused at once, with one clear line in the log
      const uncached = await timed('late', 'late-ldap-pw');
      expect(uncached.status).toBe(401);
      expect(uncached.ms).toBeLessThan(5000);
      const outage = lines().filter((line) => line.message === 'LDAP server unavailable: login refused');
      expect(outage).toHaveLength(1);
      expect(outage[0]).toMatchObject({ stage: 'connect', port: slapd.plainPort });
      expect(String(outage[0]?.error)).toMatch(/ECONNREFUSED/);
      // nothing in the log carries a password
      const logText = JSON.stringify(lines());
      for (const secret of ['late-ldap-pw', 'carol-ldap-pw', SERVICE_PASSWORD])
        expect(logText).not.toContain(secret);
    } finally {
      await slapd.start();
    }

    // a server that accepts connections but never answers: the 5 s operation timeout decides, not the client
    slapd.freeze();
    try {
      const hung = await timed('bob', 'bob-ldap-pw');
      expect(hung.status).toBe(401);
      expect(hung.ms).toBeLessThan(11_000);
    } finally {
      slapd.thaw();
    }
    // and once it answers again, so does the login
    expect((await timed('bob', 'bob-ldap-pw')).status).toBe(200);
  }, 40_000);
});

// Issue 22: how the registry reaches the directory, against a real OpenLDAP (Debian's slapd, started once for this
// file by ldap-fixtures.ts): plain LDAP, StartTLS and LDAPS (with caCert, with skipVerify, and refused without
// either); the service account's credentials file re-read when it changes; cached logins costing no LDAP round
// trip; LDAP stopped or hung answered with a 401 and one log line, never a hang.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LdapSetup, ping, setUpLdap } from './ldap-fixtures.js';
import { SERVICE_DN, SERVICE_PASSWORD, type Slapd } from './slapd-server.js';

let setup: LdapSetup;
let slapd: Slapd;
let directory: string;
const startWithLdap = (ldap: Record<string, unknown>) => setup.startWithLdap(ldap);

beforeAll(async () => {
  setup = await setUpLdap();
  slapd = setup.slapd;
  directory = setup.directory;
}, 60_000);

afterAll(async () => {
  await setup?.dispose();
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

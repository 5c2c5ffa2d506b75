// The LDAP end-to-end tests' setup: a slapd (slapd-server.ts) with a few users, a service account credentials
// file, an htpasswd user, and registries started against it whose log lines are kept (to find the outage line).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { basic, htpasswdLines } from './auth-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';
import { PEOPLE, SERVICE_DN, SERVICE_PASSWORD, type Slapd, startSlapd } from './slapd-server.js';

export const DEVS = 'cn=devs,ou=groups,dc=example,dc=org';
export const PLATFORM = 'cn=platform,ou=groups,dc=example,dc=org';

/** A registry whose log lines are kept. */
export interface Logged {
  registry: TestRegistry;
  lines: () => Array<Record<string, unknown>>;
}

export interface LdapSetup {
  slapd: Slapd;
  directory: string;
  /** `ldap` is merged into http.auth.ldap (plain LDAP with the service account by default); `apikeyOn` turns API
   * keys on; anything else is merged into `http`. */
  startWithLdap(ldap: Record<string, unknown>, extra?: Record<string, unknown>): Promise<Logged>;
  dispose(): Promise<void>;
}

export async function setUpLdap(): Promise<LdapSetup> {
  const directory = mkdtempSync(join(tmpdir(), 'zot-ldap-'));
  const slapd = await startSlapd([
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
  const started: TestRegistry[] = [];

  const startWithLdap = async (
    ldap: Record<string, unknown>,
    { apikeyOn, ...extra }: Record<string, unknown> = {},
  ): Promise<Logged> => {
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
  };

  return {
    slapd,
    directory,
    startWithLdap,
    async dispose() {
      for (const registry of started) await registry.dispose();
      await slapd.dispose();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The status of `GET /v2/` with these Basic credentials. */
export async function ping(registry: TestRegistry, user: string, password: string): Promise<number> {
  const response = await fetch(`${registry.url}/v2/`, { headers: { Authorization: basic(user, password) } });
  await response.arrayBuffer();
  return response.status;
}

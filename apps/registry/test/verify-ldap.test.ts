// `zot verify` on http.auth.ldap: zot's own LDAP example and verify tests (pkg/cli/server/root_test.go,
// "Test verify good/bad ldap config") pass and fail here the same way; the credentials file is read, as zot's
// LoadConfiguration reads it; settings zot's connection rule makes meaningless load with a warning.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runVerify } from '../src/commands/verify.js';

const directory = mkdtempSync(join(tmpdir(), 'zot-verify-ldap-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function file(content: string): string {
  const path = join(directory, `file-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, content);
  return path;
}

async function verify(
  ldap: Record<string, unknown> | undefined,
  auth: Record<string, unknown> = {},
): Promise<{ code: number; output: string }> {
  const path = file(
    JSON.stringify({
      distSpecVersion: '1.1.1',
      storage: { rootDirectory: '/tmp/zot' },
      http: {
        address: '127.0.0.1',
        port: '8080',
        auth: { ...(ldap ? { ldap } : {}), ...auth, failDelay: 5 },
      },
      log: { level: 'debug' },
    }),
  );
  let output = '';
  const capture = (chunk: unknown) => {
    output += String(chunk);
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    return { code: await runVerify([path]), output };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const zotExample = {
  address: 'ldap.example.org',
  port: 389,
  startTLS: false,
  baseDN: 'ou=Users,dc=example,dc=org',
  userAttribute: 'uid',
  userGroupAttribute: 'memberOf',
  skipVerify: true,
  subtreeSearch: true,
};
const goodCredentials =
  '{"bindDN":"cn=ldap-searcher,ou=Users,dc=example,dc=org","bindPassword":"ldap-searcher-password"}';

describe('zot verify: http.auth.ldap', () => {
  it("accepts zot's good LDAP config, with no warning about LDAP being unbuilt", async () => {
    const result = await verify({ ...zotExample, credentialsFile: file(goodCredentials) });
    expect(result).toEqual({ code: 0, output: 'config is valid\n' });
  });

  it.each([
    ['a missing key', '{"bindPassword":"ldap-searcher-password"}', /missing keys: bindDN/],
    ['an unknown key', goodCredentials.replace('}', ',"extraKey":"extraValue"}'), /unknown keys: extraKey/],
    ['an empty file', '', /not valid JSON/],
    ['no keys at all', '{}', /missing keys: bindDN, bindPassword/],
  ])(
    'refuses a credentials file with %s, naming the key and never the password',
    async (_, content, reason) => {
      const result = await verify({ ...zotExample, credentialsFile: file(content) });
      expect(result.code).toBe(1);
      expect(result.output).toMatch(/^http\.auth\.ldap\.credentialsFile: /);
      expect(result.output).toMatch(reason);
      expect(result.output).not.toContain('ldap-searcher-password');
    },
  );

  it('refuses a credentials file that does not exist', async () => {
    const result = await verify({ ...zotExample, credentialsFile: join(directory, 'absent.json') });
    expect(result.code).toBe(1);
    expect(result.output).toContain('no such file');
  });

  it.each([
    ['address', 'http.auth.ldap.address'],
    ['baseDN', 'http.auth.ldap.baseDN'],
    ['userAttribute', 'http.auth.ldap.userAttribute'],
  ])('refuses a config without %s (zot: missing mandatory key)', async (key, path) => {
    const { [key]: _, ...rest } = zotExample as Record<string, unknown>;
    const result = await verify(rest);
    expect(result.code).toBe(1);
    expect(result.output).toContain(path);
  });

  it('refuses a userFilter with unbalanced parentheses', async () => {
    const result = await verify({ ...zotExample, userFilter: '(!(nsaccountlock=TRUE)' });
    expect(result.code).toBe(1);
    expect(result.output).toContain('http.auth.ldap.userFilter');
  });

  it('warns that startTLS without insecure means LDAPS, as in zot', async () => {
    const result = await verify({ ...zotExample, startTLS: true });
    expect(result.code).toBe(0);
    expect(result.output).toContain('warning: http.auth.ldap.startTLS: is only used with insecure: true');
  });

  it('warns that skipVerify and caCert do nothing on plain LDAP', async () => {
    const result = await verify({ ...zotExample, insecure: true, caCert: '/etc/ssl/ca.pem' });
    expect(result.output).toContain('warning: http.auth.ldap.skipVerify: has no effect');
    expect(result.output).toContain('warning: http.auth.ldap.caCert: has no effect');
  });

  it('warns that zot ignores inline bindDN/bindPassword', async () => {
    const result = await verify({ ...zotExample, bindDN: 'cn=s,dc=x', bindPassword: 'inline-secret' });
    expect(result.code).toBe(0);
    expect(result.output).toContain('warning: http.auth.ldap.bindDN: zot v2.1.17 ignores inline');
    expect(result.output).not.toContain('inline-secret');
  });
});

describe('zot verify: the github provider', () => {
  const github = (extra: Record<string, unknown>, name = 'github') =>
    verify(undefined, {
      openid: { providers: { [name]: { clientid: 'id', clientsecret: 'secret', ...extra } } },
    });

  it('accepts GitHub Enterprise endpoints given together', async () => {
    const result = await github({
      authurl: 'https://github.corp.example/login/oauth/authorize',
      tokenurl: 'https://github.corp.example/login/oauth/access_token',
    });
    expect(result).toEqual({ code: 0, output: 'config is valid\n' });
  });

  it('warns that authurl alone falls back to public GitHub, as in zot', async () => {
    const result = await github({ authurl: 'https://github.corp.example/login/oauth/authorize' });
    expect(result.code).toBe(0);
    expect(result.output).toContain(
      'warning: http.auth.openid.providers["github"].authurl: has no effect without',
    );
  });

  it('warns that another provider does not use authurl', async () => {
    const result = await github(
      { issuer: 'https://idp.example', tokenurl: 'https://idp.example/token' },
      'oidc',
    );
    expect(result.output).toContain('only the github provider uses authurl and tokenurl');
  });
});

// The LDAP authenticator's own rules, without a directory: the search filter escaping (RFC 4515), and the
// login cache (keyed by user and password, never caching outages, one exchange for identical logins in flight).
// The real exchanges against slapd are in apps/registry/test/auth-ldap.test.ts.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createLdapAuthenticator,
  escapeFilterValue,
  type LdapLoginResult,
  readLdapCredentials,
  userSearchFilter,
} from '../src/index.js';

describe('escapeFilterValue', () => {
  it('writes the five RFC 4515 characters as \\XX and leaves the rest', () => {
    expect(escapeFilterValue('a*b(c)d\\e\0f')).toBe('a\\2ab\\28c\\29d\\5ce\\00f');
    expect(escapeFilterValue('jürgen.o-k_1@x')).toBe('jürgen.o-k_1@x');
  });

  it('keeps injection attempts inside one assertion value', () => {
    expect(userSearchFilter('uid', 'admin)(uid=*')).toBe('(uid=admin\\29\\28uid=\\2a)');
    expect(userSearchFilter('uid', '*', '(!(description=disabled))')).toBe(
      '(&(uid=\\2a)(!(description=disabled)))',
    );
    expect(userSearchFilter('uid', 'bob', 'objectClass=person')).toBe('(&(uid=bob)(objectClass=person))');
  });
});

function counting(answer: (username: string, password: string) => LdapLoginResult) {
  const calls: string[] = [];
  let clock = 0;
  const ldap = createLdapAuthenticator({
    address: 'ldap.invalid',
    port: 389,
    transport: 'plain',
    baseDN: 'dc=example,dc=org',
    userAttribute: 'uid',
    now: () => clock,
    login: async (_options, username, password) => {
      calls.push(username);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return answer(username, password);
    },
  });
  return { ldap, calls, advance: (ms: number) => (clock += ms) };
}

describe('createLdapAuthenticator', () => {
  const directory = (username: string, password: string): LdapLoginResult =>
    password === `${username}-pw`
      ? { kind: 'match', groups: ['b', 'a'] }
      : { kind: 'mismatch', reason: 'wrong password' };

  it('remembers a successful login for 60 s, with its groups sorted', async () => {
    const { ldap, calls, advance } = counting(directory);
    expect(await ldap.verify('alice', 'alice-pw')).toEqual({ kind: 'match', groups: ['a', 'b'] });
    expect(await ldap.verify('alice', 'alice-pw')).toEqual({ kind: 'match', groups: ['a', 'b'] });
    expect(calls).toEqual(['alice']);
    advance(60_001);
    await ldap.verify('alice', 'alice-pw');
    expect(calls).toEqual(['alice', 'alice']);
  });

  it('never answers another password from the cache', async () => {
    const { ldap } = counting(directory);
    await ldap.verify('alice', 'alice-pw');
    expect(await ldap.verify('alice', 'other')).toEqual({ kind: 'mismatch' });
  });

  it('shares one exchange between identical logins in flight', async () => {
    const { ldap, calls } = counting(directory);
    const results = await Promise.all(Array.from({ length: 20 }, () => ldap.verify('bob', 'bob-pw')));
    expect(results.every((result) => result.kind === 'match')).toBe(true);
    expect(calls).toEqual(['bob']);
  });

  it('does not cache an outage, and reports it once per exchange', async () => {
    let down = true;
    const reports: string[] = [];
    const ldap = createLdapAuthenticator({
      address: 'ldap.invalid',
      port: 389,
      transport: 'plain',
      baseDN: 'dc=example,dc=org',
      userAttribute: 'uid',
      onUnavailable: (event) => reports.push(event.stage),
      login: async () =>
        down
          ? { kind: 'unavailable', stage: 'connect', error: 'ECONNREFUSED' }
          : { kind: 'match', groups: [] },
    });
    await Promise.all([ldap.verify('carol', 'pw'), ldap.verify('carol', 'pw')]);
    expect(reports).toEqual(['connect']);
    down = false;
    expect(await ldap.verify('carol', 'pw')).toEqual({ kind: 'match', groups: [] });
  });
});

describe('readLdapCredentials', () => {
  const write = (content: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'ldap-cred-')), 'credentials.json');
    writeFileSync(path, content);
    return path;
  };

  it('reads bindDN and bindPassword, keys matched case-insensitively as zot does', async () => {
    expect(await readLdapCredentials(write('{"binddn":"cn=s,dc=x","BindPassword":"p"}'))).toEqual({
      bindDN: 'cn=s,dc=x',
      bindPassword: 'p',
    });
  });

  it.each([
    ['{"bindPassword":"p"}', /missing keys: bindDN/],
    ['{"bindDN":"cn=s","bindPassword":"p","extra":1}', /unknown keys: extra/],
    ['', /not valid JSON/],
    ['[]', /JSON object/],
    ['{"bindDN":"cn=s","bindPassword":7}', /must be a string/],
  ])('refuses %j', async (content, message) => {
    await expect(readLdapCredentials(write(content))).rejects.toThrow(message);
  });

  it('never quotes the password in its errors', async () => {
    await expect(readLdapCredentials(write('{"bindPassword":"s3cret-value"}'))).rejects.not.toThrow(/s3cret/);
  });
});

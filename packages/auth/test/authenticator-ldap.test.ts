// The authenticator with LDAP beside htpasswd (zot's authn.go order: htpasswd, which is local, then LDAP), with
// an LDAP authenticator whose directory is a function (the real exchanges against slapd are in
// apps/registry/test/auth-ldap*.test.ts).
import { join } from 'node:path';
import { createMemoryMetaStore } from '@zot-ts/metastore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAuthenticator,
  createLdapAuthenticator,
  createPasswordVerifier,
  createSessionService,
  type Htpasswd,
  type LdapLoginResult,
  loadHtpasswd,
  type PasswordVerifier,
} from '../src/index.js';
import { basicHeader, htpasswdFile, requestInfo, temporaryDirectory } from './helpers.js';

let dir: { path: string; remove: () => Promise<void> };
let verifier: PasswordVerifier;
let htpasswd: Htpasswd;
beforeAll(async () => {
  dir = await temporaryDirectory();
  const path = join(dir.path, 'htpasswd');
  htpasswdFile(path, { hilda: 'hilda-pw' });
  verifier = createPasswordVerifier({ workers: 1 });
  htpasswd = await loadHtpasswd({ path, verifier, watch: false });
});
afterAll(async () => {
  await htpasswd.close();
  await verifier.close();
  await dir.remove();
});

function directory(answer: (username: string, password: string) => LdapLoginResult) {
  const asked: string[] = [];
  const ldap = createLdapAuthenticator({
    address: 'ldap.invalid',
    port: 389,
    transport: 'plain',
    baseDN: 'dc=example,dc=org',
    userAttribute: 'uid',
    login: async (_options, username, password) => {
      asked.push(username);
      return answer(username, password);
    },
  });
  return { ldap, asked };
}

const lina = (username: string, password: string): LdapLoginResult =>
  username === 'lina' && password === 'lina-pw'
    ? { kind: 'match', groups: ['cn=devs,dc=example,dc=org'] }
    : { kind: 'mismatch', reason: 'wrong password' };

describe('createAuthenticator with LDAP', () => {
  it('asks htpasswd first and LDAP only when htpasswd does not match', async () => {
    const { ldap, asked } = directory(lina);
    const authenticator = createAuthenticator({ htpasswd, ldap });
    const hilda = await authenticator.authenticate(
      requestInfo({ authorization: basicHeader('hilda', 'hilda-pw') }),
    );
    expect(hilda).toMatchObject({ kind: 'identity', identity: { username: 'hilda', method: 'basic' } });
    expect(asked).toEqual([]);
    const result = await authenticator.authenticate(
      requestInfo({ authorization: basicHeader('lina', 'lina-pw') }),
    );
    expect(result).toEqual({
      kind: 'identity',
      identity: { username: 'lina', groups: ['cn=devs,dc=example,dc=org'], method: 'ldap' },
    });
    expect(asked).toEqual(['lina']);
  });

  it('offers a Basic challenge with LDAP alone', () => {
    const { ldap } = directory(lina);
    expect(createAuthenticator({ ldap }).challenge({ repository: '', action: 'read' })).toEqual([
      'Basic realm="Authorization Required"',
    ]);
  });

  it('rejects when the directory is unavailable, saying so', async () => {
    const { ldap } = directory(() => ({ kind: 'unavailable', stage: 'connect', error: 'ECONNREFUSED' }));
    const result = await createAuthenticator({ ldap }).authenticate(
      requestInfo({ authorization: basicHeader('lina', 'lina-pw') }),
    );
    expect(result).toEqual({ kind: 'rejected', reason: 'the LDAP server is unavailable' });
  });

  it('records the LDAP groups with the user, so her API keys carry them', async () => {
    const metaStore = createMemoryMetaStore();
    const { ldap } = directory(lina);
    await createAuthenticator({ ldap, htpasswd, users: metaStore.users }).authenticate(
      requestInfo({ authorization: basicHeader('lina', 'lina-pw') }),
    );
    expect((await metaStore.users.get('lina'))?.groups).toEqual(['cn=devs,dc=example,dc=org']);
  });

  it('opens a UI session for an LDAP login, keeping her groups', async () => {
    const metaStore = createMemoryMetaStore();
    const sessions = createSessionService({ metaStore });
    const { ldap } = directory(lina);
    const authenticator = createAuthenticator({ ldap, sessions });
    const ui = { 'x-zot-api-client': 'zot-ui' };
    const request = requestInfo({ ...ui, authorization: basicHeader('lina', 'lina-pw') });
    const cookies = await authenticator.sessionCookies(request, await authenticator.authenticate(request));
    const session = cookies.find((cookie) => cookie.startsWith('session='))?.split(';')[0] ?? '';
    expect(session).not.toBe('');
    const again = await authenticator.authenticate(requestInfo({ ...ui, cookie: session }));
    expect(again).toMatchObject({
      kind: 'identity',
      identity: { username: 'lina', groups: ['cn=devs,dc=example,dc=org'], method: 'session' },
    });
    sessions.close();
  });
});

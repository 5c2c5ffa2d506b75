import { describe, expect, it } from 'vitest';
import { groupsFrom, mapOidcClaims } from './claim-mapping.js';
import { OidcFlowError } from './errors.js';

describe('mapOidcClaims', () => {
  it('takes the username from the configured claim and merges groups from ID token and userinfo', () => {
    const mapped = mapOidcClaims({
      idTokenClaims: { sub: 's1', preferred_username: 'alice', roles: ['b', 'a'], nonce: 'n', at_hash: 'h' },
      userinfo: { roles: 'c', email: 'alice@example.test' },
      usernameClaim: 'preferred_username',
      groupsClaim: 'roles',
      staticGroups: { admins: { users: ['alice'] }, a: { users: ['alice'] }, others: { users: ['bob'] } },
    });
    expect(mapped.username).toBe('alice');
    expect(mapped.groups).toEqual(['a', 'admins', 'b', 'c']);
    expect(mapped.claims).toEqual({
      sub: 's1',
      preferred_username: 'alice',
      roles: ['a', 'b', 'c'],
      email: 'alice@example.test',
    });
  });

  it('lets ID token claims win over userinfo claims', () => {
    const mapped = mapOidcClaims({
      idTokenClaims: { sub: 's1', email: 'token@example.test' },
      userinfo: { sub: 's1', email: 'userinfo@example.test', name: 'N' },
      usernameClaim: 'email',
      groupsClaim: 'groups',
    });
    expect(mapped.username).toBe('token@example.test');
    expect(mapped.claims.name).toBe('N');
  });

  it('falls back to email with a warning when the configured claim is missing or empty', () => {
    const warnings: Array<Record<string, unknown> | undefined> = [];
    const mapped = mapOidcClaims({
      idTokenClaims: { sub: 's1', name: '  ', email: 'e@example.test' },
      usernameClaim: 'name',
      groupsClaim: 'groups',
      logger: { warn: (_message, fields) => warnings.push(fields) },
    });
    expect(mapped.username).toBe('e@example.test');
    expect(warnings).toEqual([{ claim: 'name', username: 'e@example.test' }]);
  });

  it('accepts any custom string claim, and sub', () => {
    const claims = { sub: 'subject-1', upn: 'u@corp.example' };
    expect(
      mapOidcClaims({ idTokenClaims: claims, usernameClaim: 'upn', groupsClaim: 'groups' }).username,
    ).toBe('u@corp.example');
    expect(
      mapOidcClaims({ idTokenClaims: claims, usernameClaim: 'sub', groupsClaim: 'groups' }).username,
    ).toBe('subject-1');
  });

  it('refuses with NO_USERNAME when neither the claim nor email is there', () => {
    try {
      mapOidcClaims({
        idTokenClaims: { sub: 's', preferred_username: 42 },
        usernameClaim: 'preferred_username',
        groupsClaim: 'groups',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(OidcFlowError);
      expect((error as OidcFlowError).code).toBe('NO_USERNAME');
      expect((error as OidcFlowError).status).toBe(401);
    }
  });
});

describe('groupsFrom', () => {
  it('reads a list, a single string, and ignores anything else', () => {
    expect(groupsFrom(['a', 1, '', 'b', null])).toEqual(['a', 'b']);
    expect(groupsFrom('solo')).toEqual(['solo']);
    expect(groupsFrom('')).toEqual([]);
    expect(groupsFrom({ a: 1 })).toEqual([]);
    expect(groupsFrom(undefined)).toEqual([]);
  });
});

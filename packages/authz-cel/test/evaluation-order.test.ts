import { describe, expect, it } from 'vitest';
import { compilePolicies } from '../src/index.js';
import { request, user } from './requests.js';

// One config exercising every step of zot's order (pkg/api/authz.go isPermitted, can).
const authorizer = compilePolicies({
  repositories: {
    '**': { defaultPolicy: ['read'], anonymousPolicy: [] },
    'public/**': { anonymousPolicy: ['read'] },
    'team/**': {
      policies: [
        { users: ['alice'], actions: ['read', 'create'] },
        { groups: ['devs'], actions: ['read', 'create', 'update'] },
        {
          users: ['carol'],
          actions: ['delete'],
          conditions: [{ expression: 'req.tag != "stable"', message: 'stable tags are never deleted' }],
        },
        { groups: ['cleaners'], actions: ['delete'] },
      ],
      defaultPolicy: ['read'],
    },
    'locked/**': {},
  },
  adminPolicy: { users: ['root'], groups: ['admins'], actions: ['read', 'create', 'update', 'delete'] },
  groups: { devs: { users: ['bob'] }, cleaners: { users: ['carol'] } },
});

describe('evaluation order', () => {
  it('grants a user named in a policy with the action', () => {
    expect(authorizer.authorize(request('create', 'team/app', user('alice')))).toEqual({ allowed: true });
  });

  it('denies a named user an action the policy does not list, when nothing else grants it', () => {
    expect(authorizer.authorize(request('delete', 'team/app', user('alice')))).toEqual({ allowed: false });
  });

  it('grants through a group from accessControl.groups', () => {
    expect(authorizer.authorize(request('update', 'team/app', user('bob')))).toEqual({ allowed: true });
  });

  it('grants through a group the identity itself carries (OIDC, LDAP)', () => {
    expect(authorizer.authorize(request('update', 'team/app', user('dave', ['devs'])))).toEqual({
      allowed: true,
    });
  });

  it('goes on to group entries when the user entry’s condition is false', () => {
    // carol's own entry refuses stable; her group "cleaners" grants delete unconditionally
    const stable = request('delete', 'team/app', user('carol'), { reference: 'stable' });
    expect(authorizer.authorize(stable)).toEqual({ allowed: true });
  });

  it('falls back to defaultPolicy for any authenticated user', () => {
    expect(authorizer.authorize(request('read', 'team/app', user('eve')))).toEqual({ allowed: true });
    expect(authorizer.authorize(request('create', 'team/app', user('eve')))).toEqual({ allowed: false });
  });

  it('does not give defaultPolicy actions to anonymous callers', () => {
    expect(authorizer.authorize(request('read', 'team/app', undefined))).toEqual({ allowed: false });
  });

  it('gives anonymousPolicy actions to anonymous callers only, as zot does', () => {
    expect(authorizer.authorize(request('read', 'public/app', undefined))).toEqual({ allowed: true });
    // public/** has no defaultPolicy: an authenticated user does not inherit anonymous access
    expect(authorizer.authorize(request('read', 'public/app', user('eve')))).toEqual({ allowed: false });
  });

  it('uses only the longest matching key: a broader key does not add its actions', () => {
    // locked/** matches and grants nothing; ** (with defaultPolicy read) is not consulted
    expect(authorizer.authorize(request('read', 'locked/app', user('eve')))).toEqual({ allowed: false });
    expect(authorizer.authorize(request('read', 'other/app', user('eve')))).toEqual({ allowed: true });
  });

  it('lets an admin (by user or by group) do adminPolicy actions when repository policies deny', () => {
    expect(authorizer.authorize(request('delete', 'locked/app', user('root')))).toEqual({ allowed: true });
    expect(authorizer.authorize(request('delete', 'locked/app', user('zed', ['admins'])))).toEqual({
      allowed: true,
    });
    expect(authorizer.authorize(request('detectManifestCollision', 'locked/app', user('root')))).toEqual({
      allowed: false,
    });
  });

  it('lets adminPolicy grant on a repository that no key matches', () => {
    const noKeys = compilePolicies({ adminPolicy: { users: ['root'], actions: ['read'] } });
    expect(noKeys.authorize(request('read', 'x', user('root')))).toEqual({ allowed: true });
    expect(noKeys.authorize(request('read', 'x', user('eve')))).toEqual({ allowed: false });
  });

  it('denies everything with an empty accessControl', () => {
    const empty = compilePolicies({});
    expect(empty.authorize(request('read', 'x', user('eve')))).toEqual({ allowed: false });
    expect(empty.authorize(request('read', 'x', undefined))).toEqual({ allowed: false });
  });

  it('treats an empty username as anonymous, as zot does', () => {
    expect(authorizer.authorize(request('read', 'public/app', user('')))).toEqual({ allowed: true });
  });
});

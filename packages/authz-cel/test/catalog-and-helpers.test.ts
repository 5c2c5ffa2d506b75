import { describe, expect, it } from 'vitest';
import { compilePolicies, createReloadableAuthorizer, PolicyCompileError } from '../src/index.js';
import { request, user } from './requests.js';

describe('canRead (the /v2/_catalog filter)', () => {
  let clock = new Date('2026-01-05T09:00:00Z');
  const authorizer = compilePolicies(
    {
      repositories: {
        'teams/**': {
          policies: [
            {
              groups: ['devs'],
              actions: ['read'],
              conditions: [
                { expression: 'req.user.groups.exists(g, req.repository.startsWith("teams/" + g + "/"))' },
              ],
            },
            {
              users: ['night-owl'],
              actions: ['read'],
              conditions: [{ expression: 'req.time.getHours("UTC") >= 22' }],
            },
          ],
        },
        'prod/**': {
          policies: [
            {
              groups: ['ci'],
              actions: ['read'],
              conditions: [{ expression: 'req.referenceType == "digest"' }],
            },
          ],
        },
        'public/**': { anonymousPolicy: ['read'] },
      },
    },
    { now: () => clock },
  );

  it('evaluates conditions that depend only on repository and user', () => {
    expect(authorizer.canRead('teams/devs/app', user('dev1', ['devs']))).toBe(true);
    expect(authorizer.canRead('teams/ops/app', user('dev1', ['devs']))).toBe(false);
  });

  it('evaluates time conditions against the clock', () => {
    clock = new Date('2026-01-05T23:00:00Z');
    expect(authorizer.canRead('teams/x', user('night-owl'))).toBe(true);
    clock = new Date('2026-01-05T09:00:00Z');
    expect(authorizer.canRead('teams/x', user('night-owl'))).toBe(false);
  });

  it('stays permissive for conditions about request details: CI can pull prod by digest, so prod is listed', () => {
    expect(authorizer.canRead('prod/app', user('ci-bot', ['ci']))).toBe(true);
    // ...while the actual pull by tag is still refused
    expect(authorizer.authorize(request('read', 'prod/app', user('ci-bot', ['ci']))).allowed).toBe(false);
  });

  it('lists nothing a policy does not grant, and honours anonymousPolicy', () => {
    expect(authorizer.canRead('prod/app', user('eve'))).toBe(false);
    expect(authorizer.canRead('public/app', undefined)).toBe(true);
    expect(authorizer.canRead('teams/devs/app', undefined)).toBe(false);
  });
});

describe('helpers', () => {
  const authorizer = compilePolicies({
    adminPolicy: { users: ['root'], groups: ['sre'], actions: ['read'] },
    groups: { sre: { users: ['sam'] }, devs: { users: ['sam', 'dan'] } },
    metrics: { users: ['prometheus'] },
  });

  it('groupsOf lists static group membership, sorted', () => {
    expect(authorizer.groupsOf('sam')).toEqual(['devs', 'sre']);
    expect(authorizer.groupsOf('nobody')).toEqual([]);
  });

  it('isAdmin is true by user, by static group and by identity group', () => {
    expect(authorizer.isAdmin(user('root'))).toBe(true);
    expect(authorizer.isAdmin(user('sam'))).toBe(true);
    expect(authorizer.isAdmin(user('oidc-user', ['sre']))).toBe(true);
    expect(authorizer.isAdmin(user('dan'))).toBe(false);
    expect(authorizer.isAdmin(undefined)).toBe(false);
  });

  it('canReadMetrics follows metrics.users; nobody when the list is empty (zot)', () => {
    expect(authorizer.canReadMetrics('prometheus')).toBe(true);
    expect(authorizer.canReadMetrics('root')).toBe(false);
    expect(authorizer.canReadMetrics(undefined)).toBe(false);
    expect(compilePolicies({}).canReadMetrics('prometheus')).toBe(false);
  });
});

describe('credential scopes', () => {
  const authorizer = compilePolicies({ repositories: { '**': { defaultPolicy: ['read', 'create'] } } });

  it('also requires a scope of the credential to allow the request', () => {
    const scoped = {
      username: 'alice',
      groups: [],
      credentialScopes: [{ repositories: ['team/*'], actions: ['read'] }],
    };
    expect(authorizer.authorize(request('read', 'team/app', scoped))).toEqual({ allowed: true });
    expect(authorizer.authorize(request('create', 'team/app', scoped))).toEqual({
      allowed: false,
      reason: "the credential's scope does not allow create on team/app",
    });
    expect(authorizer.authorize(request('read', 'other/app', scoped)).allowed).toBe(false);
  });
});

describe('createReloadableAuthorizer', () => {
  it('swaps policies atomically, keeping the same authorize function', () => {
    const reloadable = createReloadableAuthorizer(
      compilePolicies({ repositories: { '**': { defaultPolicy: ['read'] } } }),
    );
    const { authorize } = reloadable;
    expect(authorize(request('read', 'a', user('eve'))).allowed).toBe(true);
    reloadable.swap(compilePolicies({ repositories: { '**': { defaultPolicy: [] } } }));
    expect(authorize(request('read', 'a', user('eve'))).allowed).toBe(false);
  });

  it('keeps the old policies when the new config does not compile (the caller compiles first)', () => {
    const reloadable = createReloadableAuthorizer(
      compilePolicies({ repositories: { '**': { defaultPolicy: ['read'] } } }),
    );
    const before = reloadable.current();
    expect(() =>
      reloadable.swap(compilePolicies({ adminPolicy: { conditions: [{ expression: '((' }] } })),
    ).toThrow(PolicyCompileError);
    expect(reloadable.current()).toBe(before);
    expect(reloadable.authorize(request('read', 'a', user('eve'))).allowed).toBe(true);
  });
});

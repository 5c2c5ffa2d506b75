// The policy shape of the zot v2.1.17 release announcement, {name, condition, actions: ["push", "pull"]}, beside
// zot's own: `request.*` in CEL, pull = read, push = create + update, the name in explain and in the reason.
import { describe, expect, it } from 'vitest';
import { compilePolicies, formatExplanation, PolicyCompileError } from '../src/index.js';
import { request, user } from './requests.js';

const teamPushAccess = {
  name: 'team-push-access',
  condition: 'request.identity.groups.exists(g, g == request.repository.prefix)',
  actions: ['push', 'pull'],
};
const authorizer = compilePolicies({
  repositories: { 'team-a/**': { policies: [teamPushAccess] } },
});

describe('the release announcement example', () => {
  it('grants pull and push (create, update) on team-a/** to members of group team-a', () => {
    const alice = user('alice', ['team-a']);
    for (const action of ['read', 'create', 'update'] as const)
      expect(authorizer.authorize(request(action, 'team-a/app', alice))).toEqual({ allowed: true });
  });

  it('grants no delete: push is create and update only', () => {
    const decision = authorizer.authorize(request('delete', 'team-a/app', user('alice', ['team-a'])));
    expect(decision.allowed).toBe(false);
  });

  it('refuses members of other groups, users without groups and anonymous callers, naming the policy', () => {
    for (const identity of [user('bob', ['team-b']), user('carol'), undefined]) {
      for (const action of ['read', 'create'] as const) {
        const decision = authorizer.authorize(request(action, 'team-a/app', identity));
        expect(decision.allowed, `${identity?.username} ${action}`).toBe(false);
      }
    }
    expect(authorizer.authorize(request('create', 'team-a/app', user('bob', ['team-b'])))).toEqual({
      allowed: false,
      reason: 'the condition of policy "team-push-access" is not met',
    });
  });

  it('reads groups from accessControl.groups too', () => {
    const withGroups = compilePolicies({
      groups: { 'team-a': { users: ['dave'] } },
      repositories: { 'team-a/**': { policies: [teamPushAccess] } },
    });
    expect(withGroups.authorize(request('create', 'team-a/app', user('dave'))).allowed).toBe(true);
  });

  it('explain names the policy and its kind', () => {
    const text = formatExplanation(
      authorizer.explain(request('create', 'team-a/app', user('alice', ['team-a']))),
      {
        action: 'create',
        repository: 'team-a/app',
      },
    );
    expect(text).toContain(
      'decided by: policy with a condition (any authenticated caller) "team-push-access"',
    );
    expect(text).toContain('request.identity.groups.exists(g, g == request.repository.prefix)');
  });
});

describe('request.* fields', () => {
  const single = (condition: string) =>
    compilePolicies({
      repositories: { '**': { policies: [{ condition, actions: ['pull', 'push', 'delete'] }] } },
    });

  it('request.repository.name and prefix, request.identity.username', () => {
    const policy = single(
      'request.repository.name == "org/app/x" && request.repository.prefix == "org" && request.identity.username == "eve"',
    );
    expect(policy.authorize(request('read', 'org/app/x', user('eve'))).allowed).toBe(true);
    expect(policy.authorize(request('read', 'org/app/y', user('eve'))).allowed).toBe(false);
    expect(policy.authorize(request('read', 'org/app/x', user('mallory'))).allowed).toBe(false);
  });

  it('request.action says pull for read, push for create and update, delete for delete', () => {
    const policy = single('request.action == "pull" || request.action == "push"');
    expect(policy.authorize(request('read', 'a', user('eve'))).allowed).toBe(true);
    expect(policy.authorize(request('update', 'a', user('eve'))).allowed).toBe(true);
    expect(policy.authorize(request('delete', 'a', user('eve'))).allowed).toBe(false);
    expect(single('request.action == "delete"').authorize(request('delete', 'a', user('eve'))).allowed).toBe(
      true,
    );
  });

  it('request.reference is the tag or digest', () => {
    const policy = single('request.reference == "v1"');
    expect(policy.authorize(request('read', 'a', user('eve'), { reference: 'v1' })).allowed).toBe(true);
    expect(policy.authorize(request('read', 'a', user('eve'), { reference: 'v2' })).allowed).toBe(false);
  });

  it('lists a repository in the catalog when the condition on request.* holds', () => {
    expect(authorizer.canRead('team-a/app', user('alice', ['team-a']))).toBe(true);
    expect(authorizer.canRead('team-a/app', user('bob', ['team-b']))).toBe(false);
  });

  it('refuses a misspelt field and a non-bool condition at compile time, at .condition', () => {
    try {
      single('request.identity.group == "x"');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyCompileError);
      expect((error as PolicyCompileError).issues[0]?.path).toBe(
        'http.accessControl.repositories["**"].policies[0].condition',
      );
    }
    expect(() => single('request.repository.name')).toThrow(PolicyCompileError);
  });
});

describe("zot's shape keeps working beside it", () => {
  it('users, groups and actions with zot words still decide, and a name on them shows in explain', () => {
    const policy = compilePolicies({
      repositories: {
        '**': { policies: [{ name: 'readers', groups: ['r'], actions: ['read'] }, teamPushAccess] },
      },
    });
    expect(policy.authorize(request('read', 'team-a/x', user('u', ['r']))).allowed).toBe(true);
    expect(policy.authorize(request('create', 'team-a/x', user('u', ['r']))).allowed).toBe(false);
    expect(policy.explain(request('read', 'team-a/x', user('u', ['r']))).decidedBy?.name).toBe('readers');
  });
});

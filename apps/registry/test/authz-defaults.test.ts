// What the auth feature decides outside the policies (auth-policy.ts): zot's behaviour with and without
// authentication and accessControl, /metrics readers, admins, credential scopes, and policy reload.
import type { AccessRequest, Identity } from '@zot-ts/oci-api';
import { describe, expect, it } from 'vitest';
import { createAccessPolicy } from '../src/features/auth-policy.js';

const now = () => new Date('2030-01-01T00:00:00Z');
const alice: Identity = { username: 'alice', groups: [], method: 'basic' };
const request = (identity: Identity | undefined, extra: Partial<AccessRequest> = {}): AccessRequest => ({
  action: 'read',
  repository: 'team/app',
  reference: '',
  referenceType: '',
  identity,
  method: 'GET',
  userAgent: '',
  clientIp: '127.0.0.1',
  forwardedFor: [],
  tls: { enabled: false, version: '' },
  time: now(),
  ...extra,
});
const policyOf = (
  authEnabled: boolean,
  accessControl?: Parameters<typeof createAccessPolicy>[0]['accessControl'],
) => createAccessPolicy({ accessControl, authEnabled, now, onEvaluationError: () => undefined });

describe('access outside the policies', () => {
  it('allows everything, metrics and admin endpoints included, without auth and accessControl', () => {
    const policy = policyOf(false);
    expect(policy.authorize(request(undefined, { action: 'delete' }))).toEqual({ allowed: true });
    expect(policy.canReadMetrics(undefined)).toBe(true);
    expect(policy.isAdmin(undefined)).toBe(true);
    expect(policy.filterRepositories(undefined, ['a', 'b'])).toEqual(['a', 'b']);
  });

  it('with auth but no accessControl: authenticated callers may do everything, anonymous ones nothing', () => {
    const policy = policyOf(true);
    expect(policy.authorize(request(alice, { action: 'delete' }))).toEqual({ allowed: true });
    expect(policy.authorize(request(undefined)).allowed).toBe(false);
    expect(policy.authorize(request(undefined, { repository: '' })).allowed).toBe(false);
    expect(policy.canReadMetrics(alice)).toBe(true);
    expect(policy.canReadMetrics(undefined)).toBe(false);
    expect(policy.filterRepositories(undefined, ['a'])).toEqual([]);
  });

  it('enforces credential scopes without accessControl; a bearer token gets insufficient_scope', () => {
    const policy = policyOf(true);
    const scopes = [{ repositories: ['team/**'], actions: ['read' as const] }];
    const key: Identity = { ...alice, method: 'apikey', credentialScopes: scopes };
    expect(policy.authorize(request(key)).allowed).toBe(true);
    expect(policy.authorize(request(key, { action: 'create' }))).toMatchObject({ allowed: false });
    expect(policy.authorize(request(key, { action: 'create' }))).not.toHaveProperty('challenge');
    const token: Identity = { ...key, method: 'bearer' };
    expect(policy.authorize(request(token, { repository: 'other/app' }))).toMatchObject({
      allowed: false,
      challenge: 'insufficient_scope',
    });
    // registry-wide endpoints (/v2/, the catalog) are not repository-scoped
    expect(policy.authorize(request(token, { repository: '' }))).toEqual({ allowed: true });
    expect(policy.filterRepositories(token, ['team/a', 'other/b'])).toEqual(['team/a']);
  });

  it('gives /metrics to accessControl.metrics.users only, and admin rights by adminPolicy', () => {
    const policy = policyOf(true, {
      groups: {},
      repositories: { '**': { policies: [], defaultPolicy: ['read'], anonymousPolicy: [] } },
      adminPolicy: { users: ['root'], groups: [], actions: ['delete'], conditions: [] },
      metrics: { users: ['prometheus'] },
    });
    expect(policy.canReadMetrics({ ...alice, username: 'prometheus' })).toBe(true);
    expect(policy.canReadMetrics(alice)).toBe(false);
    expect(policy.isAdmin({ ...alice, username: 'root' })).toBe(true);
    expect(policy.isAdmin(alice)).toBe(false);
    expect(policy.anonymousPolicyExists()).toBe(false);
  });

  it('reloads policies atomically and keeps the old ones when the new ones do not compile', () => {
    const open = { policies: [], defaultPolicy: ['read' as const], anonymousPolicy: ['read' as const] };
    const policy = policyOf(true, { groups: {}, repositories: { '**': open } });
    expect(policy.authorize(request(undefined)).allowed).toBe(true);
    expect(() =>
      policy.reload({
        groups: {},
        repositories: {
          '**': {
            ...open,
            policies: [
              { users: ['a'], groups: [], actions: ['read'], conditions: [{ expression: 'req.nope ==' }] },
            ],
          },
        },
      }),
    ).toThrow(/conditions\[0\]\.expression/);
    expect(policy.authorize(request(undefined)).allowed).toBe(true);
    policy.reload({ groups: {}, repositories: { '**': { ...open, anonymousPolicy: [] } } });
    expect(policy.authorize(request(undefined)).allowed).toBe(false);
    expect(policy.anonymousPolicyExists()).toBe(false);
  });
});

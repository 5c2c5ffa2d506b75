import { describe, expect, it } from 'vitest';
import { type AccessRequest, compilePolicies } from '../src/index.js';
import { request, user } from './requests.js';

/** Is `request` allowed by one policy whose only condition is `expression`? */
function holds(expression: string, req: AccessRequest, options: { adminUsers?: string[] } = {}): boolean {
  const authorizer = compilePolicies({
    repositories: {
      '**': {
        policies: [
          {
            users: ['alice', 'root'],
            groups: ['g'],
            actions: ['read', 'create', 'delete'],
            conditions: [{ expression, message: 'no' }],
          },
        ],
      },
    },
    adminPolicy: { users: options.adminUsers ?? [], actions: [] },
  });
  return authorizer.authorize(req).allowed;
}

const alice = user('alice', ['dev', 'g'], { email: 'alice@example.com', roles: ['pusher'] });

describe('the req variable', () => {
  it('req.time is a timestamp (the request time, else the clock)', () => {
    expect(holds('req.time == timestamp("2026-01-05T09:00:00Z")', request('read', 'a', alice))).toBe(true);
    const clocked = compilePolicies(
      {
        repositories: {
          '**': {
            policies: [
              {
                users: ['alice'],
                actions: ['read'],
                conditions: [{ expression: 'req.time.getFullYear() == 2031' }],
              },
            ],
          },
        },
      },
      { now: () => new Date('2031-06-01T00:00:00Z') },
    );
    const { time: _ignored, ...withoutTime } = request('read', 'a', alice);
    expect(clocked.authorize(withoutTime).allowed).toBe(true);
  });

  it('req.method, req.userAgent and req.action', () => {
    const req = request('create', 'a', alice, { method: 'PATCH', userAgent: 'skopeo/1.13' });
    expect(
      holds('req.method == "PATCH" && req.userAgent.startsWith("skopeo/") && req.action == "create"', req),
    ).toBe(true);
    expect(holds('req.method == "GET"', req)).toBe(false);
  });

  it('req.repository', () => {
    expect(holds('req.repository == "team/app"', request('read', 'team/app', alice))).toBe(true);
    expect(holds('req.repository.matches("^team/[a-z]+$")', request('read', 'team/app/x', alice))).toBe(
      false,
    );
  });

  it('req.reference, req.referenceType and req.tag for a tag', () => {
    const req = request('read', 'a', alice, { reference: 'v1.2', referenceType: 'tag' });
    expect(
      holds(
        'req.reference == "v1.2" && req.referenceType == "tag" && req.tag == "v1.2" && req.digest == ""',
        req,
      ),
    ).toBe(true);
  });

  it('req.digest for a digest reference', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const req = request('read', 'a', alice, { reference: digest, referenceType: 'digest' });
    expect(holds(`req.digest == "${digest}" && req.tag == "" && req.referenceType == "digest"`, req)).toBe(
      true,
    );
  });

  it('empty reference fields when the request has none (blob uploads, catalog)', () => {
    const req = request('create', 'a', alice, { reference: '', referenceType: '' });
    expect(
      holds('req.reference == "" && req.referenceType == "" && req.tag == "" && req.digest == ""', req),
    ).toBe(true);
  });

  it('req.user.username and req.user.groups (identity plus static groups)', () => {
    expect(
      holds('req.user.username == "alice" && "dev" in req.user.groups', request('read', 'a', alice)),
    ).toBe(true);
    expect(holds('req.user.groups.size() == 2', request('read', 'a', alice))).toBe(true);
  });

  it('req.auth.anonymous and req.auth.admin', () => {
    expect(holds('!req.auth.anonymous && !req.auth.admin', request('read', 'a', alice))).toBe(true);
    expect(holds('req.auth.admin', request('read', 'a', user('root')), { adminUsers: ['root'] })).toBe(true);
  });

  it('req.client.ip and req.client.forwardedFor', () => {
    const req = request('read', 'a', alice, {
      clientIp: '192.168.1.20',
      forwardedFor: ['203.0.113.7', '10.0.0.1'],
    });
    expect(
      holds('req.client.ip.startsWith("192.168.") && req.client.forwardedFor[0] == "203.0.113.7"', req),
    ).toBe(true);
    expect(holds('req.client.forwardedFor.exists(ip, ip == "10.0.0.1")', req)).toBe(true);
  });

  it('req.tls.enabled and req.tls.version', () => {
    expect(
      holds(
        'req.tls.enabled && req.tls.version == "TLSv1.3"',
        request('read', 'a', alice, { tls: { enabled: true, version: 'TLSv1.3' } }),
      ),
    ).toBe(true);
    expect(holds('req.tls.enabled', request('read', 'a', alice))).toBe(false);
  });

  it('req.claims from the identity provider, an empty map otherwise', () => {
    expect(
      holds(
        'req.claims.email.endsWith("@example.com") && "pusher" in req.claims.roles',
        request('read', 'a', alice),
      ),
    ).toBe(true);
    expect(holds('size(req.claims) == 0', request('read', 'a', user('alice')))).toBe(true);
    expect(holds('has(req.claims.email)', request('read', 'a', user('alice')))).toBe(false);
  });

  it('standard macros and functions: all, filter, map, exists_one, duration arithmetic', () => {
    const req = request('read', 'a', alice);
    expect(
      holds('req.user.groups.all(g, g.size() > 0) && req.user.groups.filter(g, g == "dev").size() == 1', req),
    ).toBe(true);
    expect(holds('req.user.groups.map(g, g + "!").exists_one(g, g == "dev!")', req)).toBe(true);
    expect(holds('req.time - duration("24h") < timestamp("2026-01-05T00:00:00Z")', req)).toBe(true);
  });
});

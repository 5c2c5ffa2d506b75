import { describe, expect, it, vi } from 'vitest';
import { type AccessRequest, compilePolicies, type EvaluationErrorInfo } from '../src/index.js';
import { request, user } from './requests.js';

const WORKING_HOURS =
  'req.user.groups.exists(g, req.repository == g || req.repository.startsWith(g + "/")) && ' +
  'req.time.getDayOfWeek("Europe/Berlin") >= 1 && req.time.getDayOfWeek("Europe/Berlin") <= 5 && ' +
  'req.time.getHours("Europe/Berlin") >= 8 && req.time.getHours("Europe/Berlin") < 18';

function withoutTime(req: AccessRequest): AccessRequest {
  const { time: _time, ...rest } = req;
  return rest;
}

describe('developers push to repositories named after one of their groups, weekdays 08:00-18:00 Berlin', () => {
  let clock = new Date('2026-01-05T09:00:00Z');
  const authorizer = compilePolicies(
    {
      repositories: {
        '**': {
          policies: [
            {
              groups: ['payments', 'search'],
              actions: ['create', 'update'],
              conditions: [
                {
                  expression: WORKING_HOURS,
                  message: 'pushes only to your team’s repositories, weekdays 08:00-18:00 Berlin time',
                },
              ],
            },
          ],
          defaultPolicy: ['read'],
        },
      },
    },
    { now: () => clock },
  );
  const push = (repository: string, at: string) => {
    clock = new Date(at);
    return authorizer.authorize(withoutTime(request('create', repository, user('dana', ['payments']))));
  };

  it('allows a push to a group repository on a weekday morning (winter, CET)', () => {
    expect(push('payments/api', '2026-01-05T07:30:00Z')).toEqual({ allowed: true }); // Mon 08:30 CET
    expect(push('payments', '2026-01-09T16:59:00Z')).toEqual({ allowed: true }); // Fri 17:59 CET
  });

  it('follows daylight saving time in summer (CEST)', () => {
    expect(push('payments/api', '2026-07-06T06:30:00Z')).toEqual({ allowed: true }); // Mon 08:30 CEST
    expect(push('payments/api', '2026-07-06T16:30:00Z').allowed).toBe(false); // Mon 18:30 CEST
  });

  it('denies outside working hours and on weekends, with the condition’s message', () => {
    const reason = 'pushes only to your team’s repositories, weekdays 08:00-18:00 Berlin time';
    expect(push('payments/api', '2026-01-05T06:59:00Z')).toEqual({ allowed: false, reason }); // Mon 07:59
    expect(push('payments/api', '2026-01-10T10:00:00Z')).toEqual({ allowed: false, reason }); // Saturday
  });

  it('denies a push to another group’s repository or a look-alike name', () => {
    expect(push('search/api', '2026-01-05T09:00:00Z').allowed).toBe(false);
    expect(push('payments-old/api', '2026-01-05T09:00:00Z').allowed).toBe(false);
  });
});

describe('CI accounts may only pull production images by digest', () => {
  const digest = `sha256:${'b'.repeat(64)}`;
  const authorizer = compilePolicies({
    repositories: {
      'prod/**': {
        policies: [
          {
            groups: ['ci'],
            actions: ['read'],
            conditions: [
              {
                expression: 'req.referenceType == "digest"',
                message: 'CI pulls production images by digest',
              },
            ],
          },
        ],
      },
    },
  });
  const ci = user('ci-bot', ['ci']);

  it('allows a pull by digest', () => {
    expect(
      authorizer.authorize(request('read', 'prod/app', ci, { reference: digest, referenceType: 'digest' })),
    ).toEqual({ allowed: true });
  });

  it('denies a pull by tag, saying why', () => {
    expect(
      authorizer.authorize(request('read', 'prod/app', ci, { reference: 'latest', referenceType: 'tag' })),
    ).toEqual({
      allowed: false,
      reason: 'CI pulls production images by digest',
    });
  });
});

describe('adminPolicy conditions', () => {
  const authorizer = compilePolicies({
    repositories: { '**': { defaultPolicy: ['read'] } },
    adminPolicy: {
      groups: ['sre'],
      actions: ['read', 'create', 'update', 'delete'],
      conditions: [
        { expression: 'req.tls.enabled', message: 'admin actions need TLS' },
        {
          expression: 'req.client.ip.startsWith("10.")',
          message: 'admin actions only from the internal network',
        },
      ],
    },
  });
  const sre = user('sam', ['sre']);

  it('grants an admin action when every admin condition holds', () => {
    expect(
      authorizer.authorize(request('delete', 'x', sre, { tls: { enabled: true, version: 'TLSv1.3' } })),
    ).toEqual({ allowed: true });
  });

  it('denies with the first false admin condition’s message, in order', () => {
    expect(authorizer.authorize(request('delete', 'x', sre))).toEqual({
      allowed: false,
      reason: 'admin actions need TLS',
    });
    const outside = request('delete', 'x', sre, {
      tls: { enabled: true, version: 'TLSv1.3' },
      clientIp: '203.0.113.9',
    });
    expect(authorizer.authorize(outside)).toEqual({
      allowed: false,
      reason: 'admin actions only from the internal network',
    });
  });

  it('does not consult adminPolicy when repository policies already allow', () => {
    expect(authorizer.authorize(request('read', 'x', sre))).toEqual({ allowed: true });
  });
});

describe('fail closed', () => {
  const errors: EvaluationErrorInfo[] = [];
  const authorizer = compilePolicies(
    {
      repositories: {
        '**': {
          policies: [
            {
              users: ['alice'],
              actions: ['read'],
              conditions: [
                { expression: 'req.claims.email.endsWith("@example.com")', message: 'secret-ish message' },
              ],
            },
            {
              users: ['bob'],
              actions: ['read'],
              conditions: [{ expression: 'req.claims.level', message: 'level' }],
            },
            {
              users: ['carol'],
              actions: ['read'],
              conditions: [{ expression: 'req.repository.matches(req.claims.pattern)' }],
            },
          ],
        },
      },
    },
    { onEvaluationError: (info) => errors.push(info) },
  );

  it('denies with a generic reason when a field is missing, and tells the hook', () => {
    errors.length = 0;
    const decision = authorizer.authorize(request('read', 'a', user('alice')));
    expect(decision).toEqual({ allowed: false, reason: 'access denied by policy' });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe(
      'http.accessControl.repositories["**"].policies[0].conditions[0].expression',
    );
    expect(String(errors[0]?.error)).toContain('email');
  });

  it('denies when a dynamic value is not a bool', () => {
    expect(authorizer.authorize(request('read', 'a', user('bob', [], { level: 'high' }))).allowed).toBe(
      false,
    );
    expect(authorizer.authorize(request('read', 'a', user('bob', [], { level: true }))).allowed).toBe(true);
  });

  it('denies when a time zone name is unknown', () => {
    const hook = vi.fn();
    const mars = compilePolicies(
      {
        repositories: {
          '**': {
            policies: [
              {
                users: ['alice'],
                actions: ['read'],
                conditions: [{ expression: 'req.time.getHours("Mars/Olympus") >= 0' }],
              },
            ],
          },
        },
      },
      { onEvaluationError: hook },
    );
    expect(mars.authorize(request('read', 'a', user('alice')))).toEqual({
      allowed: false,
      reason: 'access denied by policy',
    });
    expect(hook).toHaveBeenCalledOnce();
  });

  it('denies when a function fails at run time (an invalid regular expression from a claim)', () => {
    const hook = vi.fn();
    const guarded = compilePolicies(
      {
        repositories: {
          '**': {
            policies: [
              {
                users: ['carol'],
                actions: ['read'],
                conditions: [{ expression: 'req.repository.matches(req.claims.pattern)' }],
              },
            ],
          },
        },
      },
      { onEvaluationError: hook },
    );
    expect(guarded.authorize(request('read', 'a', user('carol', [], { pattern: '[' }))).allowed).toBe(false);
    expect(hook).toHaveBeenCalledOnce();
    expect(guarded.authorize(request('read', 'a', user('carol', [], { pattern: '^a$' }))).allowed).toBe(true);
  });
});

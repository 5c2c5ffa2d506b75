import { describe, expect, it } from 'vitest';
import { compilePolicies, formatExplanation } from '../src/index.js';
import { request, user } from './requests.js';

const authorizer = compilePolicies({
  repositories: {
    'prod/**': {
      policies: [
        {
          users: ['alice'],
          actions: ['create'],
          conditions: [
            { expression: 'req.tag.startsWith("v")', message: 'release tags start with v' },
            { expression: 'req.tls.enabled', message: 'pushes need TLS' },
            { expression: 'req.method == "PUT"', message: 'only PUT' },
          ],
        },
        { groups: ['release'], actions: ['create'] },
      ],
      defaultPolicy: ['read'],
    },
  },
});

describe('explain', () => {
  it('shows each condition’s value, stopping at the first false one', () => {
    const explanation = authorizer.explain(request('create', 'prod/app', user('alice')));
    expect(explanation.decision).toEqual({ allowed: false, reason: 'pushes need TLS' });
    expect(explanation.repositoryPattern).toBe('prod/**');
    expect(explanation.decidedBy).toBeUndefined();
    expect(explanation.rules).toHaveLength(1);
    expect(explanation.rules[0]?.kind).toBe('userPolicy');
    expect(explanation.rules[0]?.outcome).toBe('conditionFailed');
    expect(explanation.rules[0]?.conditions.map((c) => c.value)).toEqual([true, false, 'skipped']);
    expect(explanation.rules[0]?.conditions[1]?.path).toBe(
      'http.accessControl.repositories["prod/**"].policies[0].conditions[1]',
    );
  });

  it('names the rule that granted', () => {
    const explanation = authorizer.explain(request('create', 'prod/app', user('alice', ['release'])));
    expect(explanation.decision).toEqual({ allowed: true });
    expect(explanation.decidedBy?.kind).toBe('groupPolicy');
    expect(explanation.decidedBy?.path).toBe('http.accessControl.repositories["prod/**"].policies[1]');
    expect(explanation.rules.map((rule) => rule.outcome)).toEqual(['conditionFailed', 'granted']);
  });

  it('gives the same decision as authorize', () => {
    for (const identity of [user('alice'), user('bob'), user('carol', ['release']), undefined]) {
      for (const action of ['read', 'create', 'delete'] as const) {
        const req = request(action, 'prod/app', identity, { tls: { enabled: true, version: 'TLSv1.3' } });
        expect(authorizer.explain(req).decision).toEqual(authorizer.authorize(req));
      }
    }
  });

  it('formats a readable report', () => {
    const text = formatExplanation(authorizer.explain(request('create', 'prod/app', user('alice'))), {
      action: 'create',
      repository: 'prod/app',
    });
    expect(text).toContain('DENIED: user "alice" create on "prod/app"');
    expect(text).toContain('reason: pushes need TLS');
    expect(text).toContain('repositories: key "prod/**" applies');
    expect(text).toContain('req.tls.enabled\n        = false');
    expect(text).toContain('= not evaluated (an earlier condition was false)');
  });

  it('says when defaultPolicy decided', () => {
    const explanation = authorizer.explain(request('read', 'prod/app', user('bob')));
    expect(explanation.decidedBy?.kind).toBe('defaultPolicy');
    expect(formatExplanation(explanation, { action: 'read', repository: 'prod/app' })).toContain(
      'decided by: defaultPolicy',
    );
  });
});

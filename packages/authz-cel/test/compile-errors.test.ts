import { describe, expect, it } from 'vitest';
import { type AccessControlConfig, compilePolicies, PolicyCompileError } from '../src/index.js';

function issuesOf(config: AccessControlConfig, pathPrefix?: string): PolicyCompileError['issues'] {
  try {
    compilePolicies(config, pathPrefix === undefined ? {} : { pathPrefix });
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyCompileError);
    expect((error as PolicyCompileError).code).toBe('POLICY_INVALID');
    return (error as PolicyCompileError).issues;
  }
  throw new Error('compilePolicies accepted a broken config');
}

const condition = (expression: string) => ({ expression, message: 'm' });

describe('compilePolicies rejects broken expressions with their exact path', () => {
  it('reports a syntax error at repositories["prod/**"].policies[0].conditions[1].expression', () => {
    const issues = issuesOf({
      repositories: {
        'prod/**': {
          policies: [
            { users: ['a'], actions: ['read'], conditions: [condition('true'), condition('req.method ==')] },
          ],
        },
      },
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe(
      'http.accessControl.repositories["prod/**"].policies[0].conditions[1].expression',
    );
    expect(issues[0]?.message).toMatch(/^syntax error: /);
  });

  it('reports an unknown field of req as a type error, at load time', () => {
    const [issue] = issuesOf({
      repositories: {
        '**': { policies: [{ actions: ['read'], conditions: [condition('req.usr.username == "a"')] }] },
      },
    });
    expect(issue?.message).toMatch(/^type error: .*usr/);
  });

  it('reports an operator applied to the wrong types', () => {
    const [issue] = issuesOf({
      repositories: {
        '**': { policies: [{ actions: ['read'], conditions: [condition('req.user.username > 3')] }] },
      },
    });
    expect(issue?.message).toMatch(/^type error: no such overload/);
  });

  it('reports an expression that cannot be a bool', () => {
    const [issue] = issuesOf({
      repositories: {
        '**': { policies: [{ actions: ['read'], conditions: [condition('req.repository')] }] },
      },
    });
    expect(issue?.message).toBe('must evaluate to bool, not string');
  });

  it('reports every problem at once, adminPolicy and malformed fields included', () => {
    const issues = issuesOf({
      repositories: {
        'a/**': { policies: [{ actions: ['read'], conditions: [condition('(')] }] },
        'b/**': {
          policies: [{ actions: ['read'], conditions: [{ expression: '' }] }],
          defaultPolicy: 'read' as unknown as string[],
        },
      },
      adminPolicy: { actions: ['read'], conditions: [condition('req.nope')] },
    });
    expect(issues.map((issue) => issue.path)).toEqual([
      'http.accessControl.repositories["a/**"].policies[0].conditions[0].expression',
      'http.accessControl.repositories["b/**"].policies[0].conditions[0].expression',
      'http.accessControl.repositories["b/**"].defaultPolicy',
      'http.accessControl.adminPolicy.conditions[0].expression',
    ]);
  });

  it('lists every issue in the error message, one per line', () => {
    try {
      compilePolicies({ adminPolicy: { conditions: [condition('1 +')] } });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain(
        'http.accessControl.adminPolicy.conditions[0].expression: syntax error',
      );
    }
  });

  it('uses the path prefix an embedding service gives', () => {
    const [issue] = issuesOf({ adminPolicy: { conditions: [condition(')')] } }, 'authz');
    expect(issue?.path).toBe('authz.adminPolicy.conditions[0].expression');
  });

  it('accepts a condition over a claim (dyn), whose type is only known when it runs', () => {
    expect(() =>
      compilePolicies({ adminPolicy: { conditions: [condition('req.claims.admin')] } }),
    ).not.toThrow();
  });
});

// The decision itself, in zot's order (pkg/api/authz.go `can` and `isPermitted`):
//   1. the one `repositories` key that applies (longest matching pattern);
//   2. its policies naming the user, whose actions include the requested one;
//   3. its policies naming one of the user's groups, likewise;
//      (2 and 3 grant only when all of the entry's conditions are true, checked in order, first false stops;
//       an entry whose conditions fail grants nothing and evaluation goes on)
//   3b. its policies naming nobody but carrying a `condition` (the v2.1.17 release announcement's shape),
//      for any authenticated caller whose request makes the condition true;
//   4. defaultPolicy, for authenticated callers only;
//   5. anonymousPolicy, for anonymous callers only (as zot: `username == ""`; an authenticated user
//      does not inherit the anonymous actions);
//   6. still denied, and the caller is an admin (adminPolicy users or groups) with the action in
//      adminPolicy.actions: adminPolicy's conditions decide.
// Then, beyond zot's policy: a credential that carries its own scopes must also allow the request.
//
// `trace` is filled only by explain(); authorize() passes undefined and builds nothing extra.

import type { CelContext } from './cel-environment.js';
import type { CompiledAccessControl, CompiledRule } from './compile.js';
import { checkConditions, type EvaluationContext, type Failure } from './conditions.js';
import { scopeAllows } from './credential-scopes.js';
import { buildRequestView } from './request-view.js';
import { buildCelRequest, resolveSubject, type Subject } from './subject.js';
import type { AccessRequest, ConditionTrace, Decision, RuleKind, RuleTrace } from './types.js';

export interface Outcome {
  readonly decision: Decision;
  readonly subject: Subject;
  readonly repositoryPattern: string | undefined;
  readonly decidedBy: RuleTrace | undefined;
}

function intersects(groups: readonly string[], allowed: ReadonlySet<string>): boolean {
  for (const group of groups) if (allowed.has(group)) return true;
  return false;
}

export function evaluateAccess(
  compiled: CompiledAccessControl,
  request: AccessRequest,
  context: EvaluationContext,
  trace: RuleTrace[] | undefined,
): Outcome {
  const subject = resolveSubject(compiled, request.identity);
  const group = compiled.policyGroupFor(request.repository);
  const { action } = request;
  let cel: CelContext | undefined;
  const celContext = () => {
    cel ??= {
      req: buildCelRequest(request, subject, context.now),
      request: buildRequestView({
        username: subject.username,
        groups: subject.groups,
        repository: request.repository,
        action,
        reference: request.reference ?? '',
      }),
    };
    return cel;
  };
  let firstFailure: Failure | undefined;

  const tryRule = (rule: CompiledRule, kind: RuleKind): RuleTrace | undefined => {
    const conditionTraces: ConditionTrace[] | undefined = trace === undefined ? undefined : [];
    const failure = checkConditions(rule.conditions, celContext, context, conditionTraces);
    const ruleTrace: RuleTrace | undefined =
      conditionTraces === undefined
        ? undefined
        : {
            kind,
            path: rule.path,
            ...(rule.name === undefined ? {} : { name: rule.name }),
            outcome:
              failure === undefined
                ? 'granted'
                : conditionTraces.some((c) => c.value === 'error')
                  ? 'error'
                  : 'conditionFailed',
            conditions: conditionTraces,
          };
    if (ruleTrace !== undefined) trace?.push(ruleTrace);
    if (failure === undefined) return ruleTrace ?? GRANTED_WITHOUT_TRACE;
    firstFailure ??= failure;
    return undefined;
  };

  const finish = (decidedBy: RuleTrace | undefined, pattern: string | undefined): Outcome => {
    const scopes = request.identity?.credentialScopes;
    if (decidedBy !== undefined && scopes !== undefined && !scopeAllows(scopes, request)) {
      const reason = `the credential's scope does not allow ${action} on ${request.repository}`;
      trace?.push({
        kind: 'credentialScope',
        path: 'identity.credentialScopes',
        outcome: 'denied',
        conditions: [],
        note: reason,
      });
      return {
        decision: { allowed: false, reason },
        subject,
        repositoryPattern: pattern,
        decidedBy: undefined,
      };
    }
    if (decidedBy !== undefined) {
      return {
        decision: { allowed: true },
        subject,
        repositoryPattern: pattern,
        decidedBy: decidedBy === GRANTED_WITHOUT_TRACE ? undefined : decidedBy,
      };
    }
    const decision: Decision =
      firstFailure === undefined ? { allowed: false } : { allowed: false, reason: firstFailure.reason };
    return { decision, subject, repositoryPattern: pattern, decidedBy: undefined };
  };

  if (group !== undefined) {
    if (!subject.anonymous) {
      for (const policy of group.policies) {
        if (policy.users.has(subject.username) && policy.actions.has(action)) {
          const granted = tryRule(policy, 'userPolicy');
          if (granted !== undefined) return finish(granted, group.pattern);
        }
      }
      for (const policy of group.policies) {
        // an entry already tried for the user is not evaluated a second time for a group
        if (policy.users.has(subject.username)) continue;
        if (policy.actions.has(action) && intersects(subject.groups, policy.groups)) {
          const granted = tryRule(policy, 'groupPolicy');
          if (granted !== undefined) return finish(granted, group.pattern);
        }
      }
      // the release announcement's entries: no users, no groups, a condition that decides for any caller
      for (const policy of group.policies) {
        if (policy.anyCaller && policy.actions.has(action)) {
          const granted = tryRule(policy, 'conditionPolicy');
          if (granted !== undefined) return finish(granted, group.pattern);
        }
      }
      if (group.defaultPolicy.has(action)) {
        return finish(unconditional('defaultPolicy', `${group.path}.defaultPolicy`, trace), group.pattern);
      }
    } else if (group.anonymousPolicy.has(action)) {
      return finish(unconditional('anonymousPolicy', `${group.path}.anonymousPolicy`, trace), group.pattern);
    }
  }

  if (subject.admin && compiled.admin.actions.has(action)) {
    // adminPolicy's conditions decide: their failure is the reason given
    firstFailure = undefined;
    const granted = tryRule(compiled.admin, 'adminPolicy');
    if (granted !== undefined) return finish(granted, group?.pattern);
  }
  return finish(undefined, group?.pattern);
}

/** Stands for "granted" when no trace is being built; never leaves this module. */
const GRANTED_WITHOUT_TRACE: RuleTrace = Object.freeze({
  kind: 'defaultPolicy',
  path: '',
  outcome: 'granted',
  conditions: [],
});

function unconditional(kind: RuleKind, path: string, trace: RuleTrace[] | undefined): RuleTrace {
  if (trace === undefined) return GRANTED_WITHOUT_TRACE;
  const ruleTrace: RuleTrace = { kind, path, outcome: 'granted', conditions: [] };
  trace.push(ruleTrace);
  return ruleTrace;
}

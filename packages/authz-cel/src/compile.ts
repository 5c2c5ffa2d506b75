// Turns `http.accessControl` into compiled rules: every CEL expression parsed and type-checked once,
// actions/users/groups turned into sets, repository keys into glob matchers. Every problem found is
// collected with its exact config path and thrown together as one PolicyCompileError.

import { createRepositoryMatcher } from '@zot-ts/glob';
import { policyEnvironment } from './cel-environment.js';
import { type FieldDependencies, fieldsReadBy } from './condition-fields.js';
import { PolicyCompileError, type PolicyIssue } from './errors.js';
import { zotActionsOf } from './request-view.js';
import type { AccessControlConfig, PolicyCondition } from './types.js';

export interface CompiledCondition {
  readonly path: string;
  /** Where the expression sits in the config: `<path>.expression`, or `<rule>.condition`. */
  readonly expressionPath: string;
  readonly expression: string;
  readonly message: string | undefined;
  readonly run: (context: { req: unknown; request: unknown }) => unknown;
  readonly dependencies: FieldDependencies;
}

export interface CompiledRule {
  /** Config path of the rule, for explanations. */
  readonly path: string;
  /** The entry's `name`, shown by explain and in a 403's reason. */
  readonly name: string | undefined;
  /** Names no users and no groups but has a `condition`: it applies to every authenticated caller. */
  readonly anyCaller: boolean;
  readonly users: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
  readonly actions: ReadonlySet<string>;
  readonly conditions: readonly CompiledCondition[];
}

export interface CompiledPolicyGroup {
  readonly pattern: string;
  readonly path: string;
  readonly policies: readonly CompiledRule[];
  readonly defaultPolicy: ReadonlySet<string>;
  readonly anonymousPolicy: ReadonlySet<string>;
}

export interface CompiledAccessControl {
  readonly pathPrefix: string;
  readonly policyGroupFor: (repository: string) => CompiledPolicyGroup | undefined;
  readonly policyGroups: readonly CompiledPolicyGroup[];
  readonly admin: CompiledRule;
  readonly staticGroupsByUser: ReadonlyMap<string, readonly string[]>;
  readonly metricsUsers: ReadonlySet<string>;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/** The message of a cel-js error without its source excerpt, plus the column where it points. */
function describeCelError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const withRange = error as Error & { summary?: string; range?: { start: number } };
  const summary = withRange.summary ?? firstLine(error.message);
  return withRange.range === undefined ? summary : `${summary} (at column ${withRange.range.start + 1})`;
}

function stringSet(value: unknown, path: string, issues: PolicyIssue[]): ReadonlySet<string> {
  if (value === undefined || value === null) return new Set();
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    issues.push({ path, message: 'must be a list of strings' });
    return new Set();
  }
  return new Set(value as string[]);
}

function compileCondition(
  condition: PolicyCondition,
  path: string,
  issues: PolicyIssue[],
  expressionPath = `${path}.expression`,
): CompiledCondition | undefined {
  if (typeof condition !== 'object' || condition === null) {
    issues.push({ path, message: 'must be an object with "expression" and "message"' });
    return undefined;
  }
  if (typeof condition.expression !== 'string' || condition.expression.trim() === '') {
    issues.push({ path: expressionPath, message: 'must be a non-empty CEL expression' });
    return undefined;
  }
  if (condition.message !== undefined && typeof condition.message !== 'string') {
    issues.push({ path: `${path}.message`, message: 'must be a string' });
  }
  let parsed: ReturnType<ReturnType<typeof policyEnvironment>['parse']>;
  try {
    parsed = policyEnvironment().parse(condition.expression);
  } catch (error) {
    issues.push({ path: expressionPath, message: `syntax error: ${describeCelError(error)}` });
    return undefined;
  }
  const checked = parsed.check();
  if (!checked.valid) {
    issues.push({ path: expressionPath, message: `type error: ${describeCelError(checked.error)}` });
    return undefined;
  }
  // `dyn` (e.g. a claim) can only be checked when it runs; anything else must be a bool now
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    issues.push({ path: expressionPath, message: `must evaluate to bool, not ${checked.type}` });
    return undefined;
  }
  return {
    path,
    expressionPath,
    expression: condition.expression,
    message: typeof condition.message === 'string' ? condition.message : undefined,
    run: parsed,
    dependencies: fieldsReadBy(parsed.ast),
  };
}

/** `actions` with the announcement's words expanded: pull -> read, push -> create + update. */
function actionSet(value: unknown, path: string, issues: PolicyIssue[]): ReadonlySet<string> {
  const words = stringSet(value, path, issues);
  return new Set([...words].flatMap((word) => zotActionsOf(word)));
}

/** The release announcement's single `condition` (over `request`), checked before any of `conditions`. */
function compileSingleCondition(
  rule: Record<string, unknown>,
  name: string | undefined,
  path: string,
  issues: PolicyIssue[],
): CompiledCondition | undefined {
  if (rule.condition === undefined || rule.condition === null) return undefined;
  if (typeof rule.condition !== 'string' || rule.condition.trim() === '') {
    issues.push({ path: `${path}.condition`, message: 'must be a non-empty CEL expression' });
    return undefined;
  }
  const message = name === undefined ? undefined : `the condition of policy "${name}" is not met`;
  const condition =
    message === undefined ? { expression: rule.condition } : { expression: rule.condition, message };
  return compileCondition(condition, `${path}.condition`, issues, `${path}.condition`);
}

function compileRule(rule: Record<string, unknown>, path: string, issues: PolicyIssue[]): CompiledRule {
  let name: string | undefined;
  if (typeof rule.name === 'string' && rule.name !== '') name = rule.name;
  else if (rule.name !== undefined) issues.push({ path: `${path}.name`, message: 'must be a string' });
  const conditionsValue = rule.conditions;
  const conditions: CompiledCondition[] = [];
  const single = compileSingleCondition(rule, name, path, issues);
  if (single !== undefined) conditions.push(single);
  if (conditionsValue !== undefined && conditionsValue !== null) {
    if (!Array.isArray(conditionsValue)) {
      issues.push({ path: `${path}.conditions`, message: 'must be a list of {expression, message}' });
    } else {
      conditionsValue.forEach((condition: PolicyCondition, index) => {
        const compiled = compileCondition(condition, `${path}.conditions[${index}]`, issues);
        if (compiled !== undefined) conditions.push(compiled);
      });
    }
  }
  const users = stringSet(rule.users, `${path}.users`, issues);
  const groups = stringSet(rule.groups, `${path}.groups`, issues);
  return {
    path,
    name,
    anyCaller: users.size === 0 && groups.size === 0 && rule.condition !== undefined,
    users,
    groups,
    actions: actionSet(rule.actions, `${path}.actions`, issues),
    conditions,
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function policyGroupMatcher(
  groups: readonly CompiledPolicyGroup[],
): (repository: string) => CompiledPolicyGroup | undefined {
  const match = createRepositoryMatcher(groups.map((group) => [group.pattern, group] as const));
  return (repository) => match(repository)?.value;
}

export function compileAccessControl(
  config: AccessControlConfig,
  pathPrefix = 'http.accessControl',
): CompiledAccessControl {
  const issues: PolicyIssue[] = [];
  const policyGroups: CompiledPolicyGroup[] = [];

  for (const [pattern, groupValue] of Object.entries(asRecord(config.repositories))) {
    const path = `${pathPrefix}.repositories[${JSON.stringify(pattern)}]`;
    const group = asRecord(groupValue);
    const policiesValue = group.policies ?? [];
    const policies: CompiledRule[] = [];
    if (!Array.isArray(policiesValue)) {
      issues.push({ path: `${path}.policies`, message: 'must be a list of policies' });
    } else {
      policiesValue.forEach((policy: unknown, index) => {
        policies.push(compileRule(asRecord(policy), `${path}.policies[${index}]`, issues));
      });
    }
    policyGroups.push({
      pattern,
      path,
      policies,
      defaultPolicy: stringSet(group.defaultPolicy, `${path}.defaultPolicy`, issues),
      anonymousPolicy: stringSet(group.anonymousPolicy, `${path}.anonymousPolicy`, issues),
    });
  }

  const admin = compileRule(asRecord(config.adminPolicy), `${pathPrefix}.adminPolicy`, issues);

  const staticGroupsByUser = new Map<string, string[]>();
  for (const [groupName, groupValue] of Object.entries(asRecord(config.groups))) {
    const members = stringSet(
      asRecord(groupValue).users,
      `${pathPrefix}.groups[${JSON.stringify(groupName)}].users`,
      issues,
    );
    for (const user of members) {
      const list = staticGroupsByUser.get(user) ?? [];
      list.push(groupName);
      staticGroupsByUser.set(user, list);
    }
  }
  for (const list of staticGroupsByUser.values()) list.sort();

  const metricsUsers = stringSet(asRecord(config.metrics).users, `${pathPrefix}.metrics.users`, issues);

  if (issues.length > 0) throw new PolicyCompileError(issues);

  return {
    pathPrefix,
    policyGroupFor: policyGroupMatcher(policyGroups),
    policyGroups,
    admin,
    staticGroupsByUser,
    metricsUsers,
  };
}

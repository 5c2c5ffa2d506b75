// Renders an Explanation as the text `zot policy explain` prints: the verdict first, then who the
// caller was taken to be, which repositories key applied, and every rule considered with the value of
// each of its conditions.

import type { ConditionTrace, Explanation, RuleKind, RuleTrace } from './types.js';

const RULE_NAMES: Record<RuleKind, string> = {
  userPolicy: 'policy naming the user',
  groupPolicy: 'policy naming a group of the user',
  conditionPolicy: 'policy with a condition (any authenticated caller)',
  defaultPolicy: 'defaultPolicy (any authenticated user)',
  anonymousPolicy: 'anonymousPolicy (anonymous callers)',
  adminPolicy: 'adminPolicy',
  credentialScope: 'credential scope',
};

function conditionLine(condition: ConditionTrace): string {
  const value =
    condition.value === 'skipped'
      ? 'not evaluated (an earlier condition was false)'
      : condition.value === 'error'
        ? `ERROR ${condition.error ?? ''}`.trim()
        : condition.error !== undefined
          ? `${condition.value} (${condition.error})`
          : String(condition.value);
  const message = condition.message === undefined ? '' : `\n        message: ${condition.message}`;
  return `      ${condition.path}\n        ${condition.expression}\n        = ${value}${message}`;
}

function ruleBlock(rule: RuleTrace): string {
  const outcome = {
    granted: 'GRANTS',
    conditionFailed: 'condition false',
    error: 'condition error (fail closed)',
    denied: 'DENIES',
  }[rule.outcome];
  const named = rule.name === undefined ? '' : ` "${rule.name}"`;
  const lines = [`  - ${RULE_NAMES[rule.kind]}${named}: ${outcome}`, `      at ${rule.path}`];
  if (rule.note !== undefined) lines.push(`      ${rule.note}`);
  for (const condition of rule.conditions) lines.push(conditionLine(condition));
  return lines.join('\n');
}

export function formatExplanation(
  explanation: Explanation,
  request: { action: string; repository: string },
): string {
  const verdict = explanation.decision.allowed ? 'ALLOWED' : 'DENIED';
  const who = explanation.anonymous ? 'anonymous caller' : `user "${explanation.username}"`;
  const lines = [`${verdict}: ${who} ${request.action} on "${request.repository}"`];
  if (!explanation.decision.allowed && explanation.decision.reason !== undefined) {
    lines.push(`reason: ${explanation.decision.reason}`);
  }
  if (!explanation.anonymous) {
    lines.push(`groups: ${explanation.groups.length === 0 ? '(none)' : explanation.groups.join(', ')}`);
    lines.push(`admin: ${explanation.admin ? 'yes' : 'no'}`);
  }
  lines.push(
    explanation.repositoryPattern === undefined
      ? 'repositories: no key matches this repository (only adminPolicy can grant)'
      : `repositories: key "${explanation.repositoryPattern}" applies (longest matching pattern)`,
  );
  if (explanation.decidedBy !== undefined) {
    const { kind, name, path } = explanation.decidedBy;
    lines.push(`decided by: ${RULE_NAMES[kind]}${name === undefined ? '' : ` "${name}"`} at ${path}`);
  } else if (explanation.rules.length === 0) {
    lines.push(`decided by: no rule grants ${request.action} to this caller`);
  }
  if (explanation.rules.length > 0) {
    lines.push('rules considered, in order:');
    for (const rule of explanation.rules) lines.push(ruleBlock(rule));
  }
  return `${lines.join('\n')}\n`;
}

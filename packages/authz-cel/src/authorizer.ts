// The public face: compile a zot `accessControl` section once, then decide, explain, filter the
// catalog and answer the small questions the registry asks (is this user an admin, may they read
// /metrics, which static groups are theirs).

import { compileAccessControl } from './compile.js';
import type { EvaluationContext } from './conditions.js';
import { evaluateAccess } from './evaluate.js';
import { resolveSubject } from './subject.js';
import type {
  AccessControlConfig,
  AccessRequest,
  AuthorizerOptions,
  Decision,
  Explanation,
  RequestIdentity,
  RuleTrace,
} from './types.js';

export interface Authorizer {
  /** Decides one request. Never throws for a request; a broken condition denies (fail closed). */
  readonly authorize: (request: AccessRequest) => Decision;
  /** The same decision, with every rule considered and each condition's value. */
  readonly explain: (request: AccessRequest) => Explanation;
  /**
   * May this caller see `repository` in /v2/_catalog? Conditions that read only the repository, the
   * caller and the time are evaluated; those reading request details (method, reference, client, ...)
   * count as true, so the listing is never stricter than a pull of some reference could be.
   */
  readonly canRead: (repository: string, identity: RequestIdentity | undefined) => boolean;
  /** zot `accessControl.metrics.users`: nobody when the list is empty. */
  readonly canReadMetrics: (username: string | undefined) => boolean;
  /** Named in adminPolicy.users, or in one of adminPolicy.groups (identity and static groups). */
  readonly isAdmin: (identity: RequestIdentity | undefined) => boolean;
  /** The groups of `accessControl.groups` that list this user, sorted. */
  readonly groupsOf: (username: string) => readonly string[];
}

/** Fields known when listing the catalog: no method, reference or client details exist there. */
const CATALOG_FIELDS: ReadonlySet<string> = new Set([
  'repository',
  'user',
  'auth',
  'claims',
  'time',
  'action',
]);

export function compilePolicies(
  config: AccessControlConfig | undefined,
  options: AuthorizerOptions = {},
): Authorizer {
  const compiled = compileAccessControl(config ?? {}, options.pathPrefix);
  const now = options.now ?? (() => new Date());
  const context: EvaluationContext = { now, onEvaluationError: options.onEvaluationError };
  const catalogContext: EvaluationContext = { ...context, onlyKnownFields: CATALOG_FIELDS };

  const authorize = (request: AccessRequest): Decision =>
    evaluateAccess(compiled, request, context, undefined).decision;

  const explain = (request: AccessRequest): Explanation => {
    const rules: RuleTrace[] = [];
    const outcome = evaluateAccess(compiled, request, context, rules);
    return {
      decision: outcome.decision,
      repositoryPattern: outcome.repositoryPattern,
      username: outcome.subject.username,
      groups: outcome.subject.groups,
      anonymous: outcome.subject.anonymous,
      admin: outcome.subject.admin,
      decidedBy: outcome.decidedBy,
      rules,
    };
  };

  const canRead = (repository: string, identity: RequestIdentity | undefined): boolean =>
    evaluateAccess(compiled, { action: 'read', repository, identity, time: now() }, catalogContext, undefined)
      .decision.allowed;

  const EMPTY: readonly string[] = Object.freeze([]);
  return Object.freeze({
    authorize,
    explain,
    canRead,
    canReadMetrics: (username: string | undefined) =>
      username !== undefined && username !== '' && compiled.metricsUsers.has(username),
    isAdmin: (identity: RequestIdentity | undefined) => resolveSubject(compiled, identity).admin,
    groupsOf: (username: string) => compiled.staticGroupsByUser.get(username) ?? EMPTY,
  });
}

// Public API of @zot-ts/authz-cel: what is not exported here is internal.

// re-exported from @zot-ts/glob, where the matching now lives, so this package's public API stays as it was
export { compileGlob, type GlobMatcher, matchGlob } from '@zot-ts/glob';
export { type Authorizer, compilePolicies } from './authorizer.js';
export { PolicyCompileError, type PolicyErrorCode, type PolicyIssue } from './errors.js';
export { formatExplanation } from './explain-format.js';
export { createReloadableAuthorizer, type ReloadableAuthorizer } from './reloadable.js';
export type {
  AccessControlConfig,
  AccessRequest,
  AdminPolicy,
  AuthorizerOptions,
  ConditionTrace,
  Decision,
  EvaluationErrorInfo,
  Explanation,
  PolicyAction,
  PolicyCondition,
  RepositoryPolicy,
  RepositoryPolicyGroup,
  RequestIdentity,
  RuleKind,
  RuleTrace,
} from './types.js';

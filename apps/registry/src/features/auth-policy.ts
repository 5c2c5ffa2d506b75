// Authorization from http.accessControl, with zot's rules for what lies outside the policies:
// - no authentication and no accessControl: everything is allowed (zot);
// - authentication but no accessControl: authenticated callers may do everything, anonymous ones nothing
//   (zot's authn middleware answers 401 to any request without credentials when no anonymousPolicy exists);
// - registry-wide endpoints (/v2/, /v2/_catalog; repository ""): any authenticated caller, and anonymous ones
//   when some repository has an anonymousPolicy (zot: AnonymousPolicyExists lets them past authn);
// - a credential with its own scopes (API key scopes, bearer `access`) must allow the request in every case,
//   and a bearer token that fails only on its scope gets 401 `error="insufficient_scope"` (RFC 6750 3.1),
//   so a token client asks its token service for a wider token.
import { accessGrantsCatalog, scopesAllow } from '@zot-ts/auth';
import {
  type Authorizer,
  compilePolicies,
  createReloadableAuthorizer,
  type EvaluationErrorInfo,
  type ReloadableAuthorizer,
} from '@zot-ts/authz-cel';
import type { AccessControlConfig } from '@zot-ts/config';
import type { AccessRequest, Decision, Identity } from '@zot-ts/oci-api';

export interface AccessPolicyOptions {
  accessControl: AccessControlConfig | undefined;
  /** Whether any authentication method is configured. */
  authEnabled: boolean;
  now: () => Date;
  onEvaluationError: (info: EvaluationErrorInfo) => void;
}

export interface AccessPolicy {
  authorize(request: AccessRequest): Decision;
  /** The /v2/_catalog filter: repositories this caller may read (conditions on repository, user, time). */
  filterRepositories(identity: Identity | undefined, names: string[]): string[];
  /** zot's MetricsAuthzHandler: no accessControl -> any caller past authentication; else metrics.users only. */
  canReadMetrics(identity: Identity | undefined): boolean;
  /** adminPolicy membership; without auth everyone, with auth but no accessControl every authenticated user. */
  isAdmin(identity: Identity | undefined): boolean;
  /**
   * zot's behaviour action (UserAccessControl.Can): false without accessControl and for admins; otherwise
   * whether the caller's policies (anonymousPolicy, defaultPolicy, policies) grant detectManifestCollision.
   */
  detectsManifestCollision(request: AccessRequest): boolean;
  /** Some repository lets anonymous callers do something. */
  anonymousPolicyExists(): boolean;
  /** Compiles `next` and swaps it in atomically; throws PolicyCompileError and keeps the old policies. */
  reload(next: AccessControlConfig | undefined): void;
}

const SCOPE_DENIAL = (action: string, repository: string) =>
  `the credential's scope does not allow ${action} on ${repository}`;

function hasAnonymousPolicy(accessControl: AccessControlConfig | undefined): boolean {
  return Object.values(accessControl?.repositories ?? {}).some((group) => group.anonymousPolicy.length > 0);
}

/** Throws PolicyCompileError (every broken expression with its config path) for a broken policy. */
export function createAccessPolicy(options: AccessPolicyOptions): AccessPolicy {
  const compile = (accessControl: AccessControlConfig): Authorizer =>
    compilePolicies(accessControl, { now: options.now, onEvaluationError: options.onEvaluationError });
  let accessControl = options.accessControl;
  let authorizer: ReloadableAuthorizer | undefined =
    accessControl === undefined ? undefined : createReloadableAuthorizer(compile(accessControl));
  let anonymousAllowed = hasAnonymousPolicy(accessControl);
  const { authEnabled } = options;

  const scopeDecision = (request: AccessRequest, identity: Identity): Decision => {
    if (scopesAllow(identity.credentialScopes, request.repository, request.action)) return { allowed: true };
    const reason = SCOPE_DENIAL(request.action, request.repository);
    return identity.method === 'bearer'
      ? { allowed: false, reason, challenge: 'insufficient_scope' }
      : { allowed: false, reason };
  };

  return {
    authorize(request) {
      const { identity } = request;
      if (request.repository === '') {
        if (identity !== undefined || !authEnabled || anonymousAllowed) return { allowed: true };
        return { allowed: false, reason: 'authentication required' };
      }
      if (authorizer === undefined) {
        if (identity === undefined)
          return authEnabled ? { allowed: false, reason: 'authentication required' } : { allowed: true };
        return scopeDecision(request, identity);
      }
      const decision = authorizer.authorize(request);
      if (decision.allowed || identity?.credentialScopes === undefined) return decision;
      // denied with a scoped credential: when the scope is what failed, say so (bearer clients re-request)
      const scoped = scopeDecision(request, identity);
      return scoped.allowed ? decision : scoped;
    },

    filterRepositories(identity, names) {
      // a bearer token granted the catalog (registry:catalog:*) lists every name, as distribution does
      const wholeCatalog =
        authorizer === undefined &&
        identity?.method === 'bearer' &&
        accessGrantsCatalog(identity.claims?.access);
      if (wholeCatalog) return names;
      return names.filter((name) => {
        if (authorizer !== undefined) return authorizer.canRead(name, identity);
        if (identity === undefined) return !authEnabled;
        return scopesAllow(identity.credentialScopes, name, 'read');
      });
    },

    canReadMetrics(identity) {
      if (accessControl === undefined) return !authEnabled || identity !== undefined;
      return authorizer?.canReadMetrics(identity?.username) ?? false;
    },

    isAdmin(identity) {
      if (authorizer === undefined) return !authEnabled || identity !== undefined;
      return authorizer.isAdmin(identity);
    },

    detectsManifestCollision(request) {
      if (authorizer === undefined || authorizer.isAdmin(request.identity)) return false;
      return authorizer.authorize({ ...request, action: 'detectManifestCollision' }).allowed;
    },

    anonymousPolicyExists: () => anonymousAllowed,

    reload(next) {
      if (next === undefined) {
        authorizer = undefined;
      } else {
        const compiled = compile(next);
        if (authorizer === undefined) authorizer = createReloadableAuthorizer(compiled);
        else authorizer.swap(compiled);
      }
      accessControl = next;
      anonymousAllowed = hasAnonymousPolicy(next);
    },
  };
}

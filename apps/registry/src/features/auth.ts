// Authentication and authorization from http.auth and http.accessControl (issues 5, 6, 7):
// config -> @zot-ts/auth parts (auth-methods.ts) -> one authenticator -> oci-api's authenticate/challenge ports;
// accessControl -> compiled CEL policies (auth-policy.ts) -> oci-api's authorize and catalog filter;
// plus the API-key, logout, mgmt routes and the Docker-client workaround (auth-routes.ts).
// A broken policy expression throws PolicyCompileError here, so composeRegistry (and `zot serve`) fails with its path.
import { type AuthResult, createApiKeyHandlers, createAuthenticator } from '@zot-ts/auth';
import type { AccessControlConfig } from '@zot-ts/config';
import type { AccessRequest, Action, Decision, Identity } from '@zot-ts/oci-api';
import { distSpecVersion, registryVersion } from '../version.js';
import { authEnabledIn, loadAuthMethods, pingChallengeIn } from './auth-methods.js';
import { composeOidc } from './auth-oidc.js';
import { createAccessPolicy } from './auth-policy.js';
import { mgmtInfoOf, mountAuthRoutes } from './auth-routes.js';
import type { Feature, FeatureContext } from './feature.js';

/** What a feature route knows of the connection a request came on. */
export interface Connection {
  enabled: boolean;
  clientIp?: string;
}

export interface AuthFeature {
  /**
   * The identity of a request (undefined when anonymous or when credentials are wrong). `connection.clientIp`
   * (the socket's address) lets password checks take turns between clients, as on the distribution-spec routes.
   */
  identify(request: Request, connection?: Connection): Promise<Identity | undefined>;
  /** Whether this identity is an admin (adminPolicy), for admin-only endpoints such as key upload. */
  isAdmin(identity: Identity | undefined): boolean;
  /** Whether this caller may see the repository in a listing (the catalog's check: request conditions count as true). */
  canRead(identity: Identity | undefined, repository: string): boolean;
  /** The full decision on one request, as the distribution-spec routes make it: for per-repository extension routes. */
  authorize(request: AccessRequest): Decision;
  /**
   * Whether this caller may do `action` in `repository` by the API's own policies; repository "" is the registry
   * itself (/v2/, the catalog: anonymous callers only when auth is off or an anonymousPolicy exists).
   */
  can?(identity: Identity | undefined, action: Action, repository: string): boolean;
  /** Whether this user may read /metrics (accessControl.metrics.users); true when access control is off. */
  canReadMetrics(identity: Identity | undefined): boolean;
  /** The full authentication result, to tell wrong credentials (401) from anonymous callers. */
  authenticate(request: Request, connection?: Connection): Promise<AuthResult>;
  /** WWW-Authenticate values for a 401 from a feature's own route. */
  challenge(): string[];
  /** Whether any authentication method is configured. */
  readonly enabled: boolean;
  /** Config reload: recompiles http.accessControl and swaps it in atomically; throws PolicyCompileError and keeps the old policies. */
  reloadAccessControl?(next: AccessControlConfig | undefined): void;
}

export async function composeAuth(context: FeatureContext): Promise<{ feature: Feature; auth: AuthFeature }> {
  const { config, logger, metaStore } = context;
  const now = context.now ?? (() => new Date());
  const accessControl = config.http.accessControl;

  // policies first: a broken expression must stop the start before any file or worker is opened
  const access = createAccessPolicy({
    accessControl,
    authEnabled: authEnabledIn(config),
    now,
    onEvaluationError: ({ path, error }) =>
      logger.warn('access policy condition failed to evaluate (denied)', { path, error: String(error) }),
  });
  const sharedSessions = context.scaleOut?.sessions;
  const methods = await loadAuthMethods({
    config,
    metaStore,
    logger,
    now,
    ...(sharedSessions === undefined ? {} : { sharedSessions }),
  });

  const oidc = await composeOidc(context, {
    sessions: methods.sessions,
    apiKeys: methods.apiKeys,
    metaStore,
    logger,
    now,
    // Identities carry only their provider's groups: the authorizer adds accessControl.groups from the live
    // config at every decision, so a reload that removes a user from a group revokes at once (issue 21.2).
    staticGroups: {},
  });
  const authenticator = createAuthenticator({
    realm: config.http.realm,
    openidUsers: config.http.auth?.openid !== undefined,
    users: metaStore.users,
    failDelaySeconds: config.http.auth?.failDelay ?? 0,
    ...(methods.htpasswd === undefined ? {} : { htpasswd: methods.htpasswd }),
    ...(methods.ldap === undefined ? {} : { ldap: methods.ldap }),
    ...(methods.apiKeys === undefined ? {} : { apiKeys: methods.apiKeys }),
    ...(methods.sessions === undefined ? {} : { sessions: methods.sessions }),
    ...(methods.bearer === undefined ? {} : { bearer: methods.bearer }),
    ...(methods.mtls === undefined ? {} : { mtls: methods.mtls }),
    ...(oidc?.tokenVerifiers === undefined ? {} : { tokenVerifiers: oidc.tokenVerifiers }),
  });
  const challenge = (request: {
    repository: string;
    action: 'read' | 'create' | 'update' | 'delete';
    error?: 'insufficient_scope' | 'invalid_token';
  }): string[] => {
    const values = authenticator.challenge(request);
    return values.length > 0 ? values : [`Basic realm=${JSON.stringify(config.http.realm)}`];
  };

  const bearer = config.http.auth?.bearer;
  const mgmt = mgmtInfoOf({
    distSpecVersion,
    releaseTag: registryVersion,
    htpasswd: methods.htpasswd !== undefined,
    ldap: config.http.auth?.ldap !== undefined,
    bearer:
      methods.bearer === undefined
        ? undefined
        : { realm: bearer?.realm ?? '', service: bearer?.service ?? '' },
    openid: oidc?.providers,
    apikey: methods.apiKeys !== undefined,
  });

  const authenticate = (request: Request, connection?: Connection): Promise<AuthResult> =>
    authenticator.authenticate({
      method: request.method,
      path: new URL(request.url).pathname,
      headers: request.headers,
      clientIp: connection?.clientIp ?? '',
      tls: { enabled: connection?.enabled ?? new URL(request.url).protocol === 'https:' },
    });

  const auth: AuthFeature = {
    enabled: methods.enabled,
    authenticate,
    async identify(request, connection) {
      const result = await authenticate(request, connection);
      return result.kind === 'identity' ? result.identity : undefined;
    },
    isAdmin: (identity) => access.isAdmin(identity),
    canRead: (identity, repository) => access.filterRepositories(identity, [repository]).length === 1,
    authorize: (request) => access.authorize(request),
    can: (identity, action, repository) =>
      access.authorize({
        action,
        repository,
        reference: '',
        referenceType: '',
        identity,
        method: action === 'read' ? 'GET' : action === 'delete' ? 'DELETE' : 'PUT',
        userAgent: '',
        clientIp: '',
        forwardedFor: [],
        tls: { enabled: false, version: '' },
        time: now(),
      }).allowed,
    canReadMetrics: (identity) => access.canReadMetrics(identity),
    challenge: () => challenge({ repository: '', action: 'read' }),
    reloadAccessControl: (next) => access.reload(next),
  };

  const apiPorts = methods.enabled
    ? {
        authenticate: authenticator.authenticate,
        challenge,
        onAuthenticated: async (
          request: Parameters<typeof authenticator.sessionCookies>[0],
          result: AuthResult,
        ) =>
          (await authenticator.sessionCookies(request, result)).map((cookie): [string, string] => [
            'Set-Cookie',
            cookie,
          ]),
      }
    : {};
  const feature: Feature = {
    api:
      methods.enabled || accessControl !== undefined
        ? {
            ...apiPorts,
            authorize: access.authorize,
            detectsManifestCollision: access.detectsManifestCollision,
            filterRepositories: access.filterRepositories,
            challenge,
            now,
          }
        : { now },
    extend(app) {
      // OIDC routes first: Hono answers with the first matching route, and the OIDC logout must take
      // POST /zot/auth/logout from the plain one (it falls back to it for non-OIDC sessions).
      oidc?.extend?.(app);
      mountAuthRoutes(app, {
        authenticator,
        ...(methods.apiKeys === undefined
          ? {}
          : { apiKeyHandlers: createApiKeyHandlers(methods.apiKeys, { now }) }),
        ...(methods.sessions === undefined ? {} : { sessions: methods.sessions }),
        mgmt,
        dockerWorkaround: () => methods.enabled && access.anonymousPolicyExists(),
        ...(pingChallengeIn(config)
          ? { pingChallenges: () => challenge({ repository: '', action: 'read' }) }
          : {}),
      });
    },
    async close() {
      await oidc?.close?.();
      await authenticator.close();
    },
  };
  return { feature, auth };
}

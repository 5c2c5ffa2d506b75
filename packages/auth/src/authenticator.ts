// Who is calling, decided as zot's authn.go decides it:
//  1. a verified client certificate (mTLS) names the user;
//  2. an Authorization header: more than one is refused; `Bearer` goes to the token verifier;
//     `Basic` tries API keys (`zak_...` passwords; a SHA-256 lookup, cheap), the htpasswd file, then LDAP;
//  3. without credentials, the `session` cookie (for the UI);
//  4. otherwise anonymous: whether that is enough is the authorization layer's decision.
// Wrong, expired or revoked credentials are `rejected`, after `failDelaySeconds` of an async sleep
// that holds only that request.
//
// Groups: an identity carries only the groups its identity provider gave it (OIDC claims, LDAP's
// userGroupAttribute); the static
// `accessControl.groups` are merged by the authorizer from the live config on every decision, so removing a
// user from a group takes effect with the reload that swaps the policies. A user deleted from htpasswd loses
// her API keys (revoked) and her UI session (ended) at her next request; OpenID users are not checked there.
import type { UserStore } from '@zot-ts/metastore';
import type { ApiKeyService } from './api-keys.js';
import { looksLikeApiKey } from './api-keys.js';
import { parseAuthorization } from './authorization-header.js';
import type { BearerVerifier } from './bearer.js';
import type { Htpasswd } from './htpasswd.js';
import type { LdapAuthenticator } from './ldap.js';
import type { MtlsIdentityResolver } from './mtls.js';
import type { SessionService } from './sessions.js';
import type { AuthResult, ChallengeRequest, Identity, RequestInfo } from './types.js';

export interface AuthenticatorOptions {
  /** `http.realm`, for the Basic challenge; zot's default is "Authorization Required". */
  realm?: string;
  htpasswd?: Htpasswd;
  /** `http.auth.ldap`: tried after htpasswd, as zot does (local first, then the network). */
  ldap?: LdapAuthenticator;
  apiKeys?: ApiKeyService;
  sessions?: SessionService;
  bearer?: BearerVerifier;
  /**
   * More verifiers for `Authorization: Bearer` tokens, tried in order after `bearer` (OIDC workload tokens from
   * @zot-ts/auth-oidc's createWorkloadTokenVerifier satisfy this shape). The first that accepts decides.
   */
  tokenVerifiers?: TokenVerifier[];
  mtls?: MtlsIdentityResolver;
  /**
   * OpenID logins are configured: a user that htpasswd does not know may be an OpenID user, so her API keys are
   * not revoked for that (her sessions say how she logged in and are checked either way).
   */
  openidUsers?: boolean;
  /** When given, logins record the user (zot's SetUserGroups), at most once a minute. */
  users?: UserStore;
  /** `http.auth.failDelay`, seconds. */
  failDelaySeconds?: number;
  sleep?: (milliseconds: number) => Promise<void>;
}

/** An extra bearer-token verifier: `verify` gets the raw token (without `Bearer `). */
export interface TokenVerifier {
  verify(token: string): Promise<{ ok: true; identity: Identity } | { ok: false; reason: string }>;
  /**
   * Its WWW-Authenticate value (`Bearer realm="..."`). Clients answer the first scheme they know in the /v2/
   * challenge (containers/image: setupRequestAuth), so skopeo's `--registry-token` is sent only after a Bearer
   * challenge. Listed after Basic, so that Basic clients keep working when both are configured.
   */
  challenge?(request: ChallengeRequest): string;
}

export interface Authenticator {
  authenticate(request: RequestInfo): Promise<AuthResult>;
  challenge(request: ChallengeRequest): string[];
  /** Set-Cookie values to add to the response: a new UI session after a basic login, or clearing a dead one. */
  sessionCookies(request: RequestInfo, result: AuthResult): Promise<string[]>;
  close(): Promise<void>;
}

const RECORD_LOGIN_INTERVAL_MS = 60_000;
const INVALID_CREDENTIALS = 'wrong username or password';
const defaultSleep = (milliseconds: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const sleep = options.sleep ?? defaultSleep;
  const failDelayMs = Math.max(0, (options.failDelaySeconds ?? 0) * 1000);
  const realm = options.realm || 'Authorization Required';
  const lastRecorded = new Map<string, { at: number; groups: string }>();

  const reject = async (reason: string): Promise<AuthResult> => {
    if (failDelayMs > 0) await sleep(failDelayMs);
    return { kind: 'rejected', reason };
  };

  /**
   * Whether `username` is gone from the local user source: htpasswd is configured and no longer lists her.
   * `loginMethod` is how she logged in when known ('oidc' sessions are never gone here); unknown, an OpenID
   * configuration gives her the benefit of the doubt.
   */
  const userGone = async (username: string, loginMethod: string | undefined): Promise<boolean> => {
    if (options.htpasswd === undefined || loginMethod === 'oidc' || loginMethod === 'ldap') return false;
    if (loginMethod === undefined && (options.openidUsers === true || options.ldap !== undefined))
      return false;
    return !(await options.htpasswd.has(username));
  };

  const revokeKeysOf = async (username: string): Promise<void> => {
    const apiKeys = options.apiKeys;
    if (apiKeys === undefined) return;
    for (const key of await apiKeys.list(username)) await apiKeys.revoke(username, key.id);
  };

  const accept = async (username: string, method: Identity['method'], extra: Partial<Identity> = {}) => {
    // Stored groups are an OpenID user's provider groups (written at her OIDC login); an htpasswd user has none
    // of her own, and records made before static groups were kept out of them must not count.
    // An LDAP user's groups are stored at each login too, so her API keys carry them.
    const external =
      method === 'apikey' &&
      options.users &&
      (options.openidUsers === true || options.ldap !== undefined) &&
      !(await options.htpasswd?.has(username))
        ? ((await options.users.get(username))?.groups ?? [])
        : (extra.groups ?? []);
    const identity: Identity = { username, ...extra, groups: [...external].sort(), method };
    if (options.users && (method === 'basic' || method === 'ldap')) {
      const last = lastRecorded.get(username);
      // a change of LDAP groups is recorded at once, not after the interval
      const changed = last === undefined || last.groups !== identity.groups.join('\n');
      if (changed || Date.now() - last.at >= RECORD_LOGIN_INTERVAL_MS) {
        lastRecorded.set(username, { at: Date.now(), groups: identity.groups.join('\n') });
        await options.users.upsert(username, { groups: identity.groups });
        await options.users.recordLogin(username, new Date());
      }
    }
    return { kind: 'identity', identity } as const;
  };

  const basic = async (username: string, password: string, source: string): Promise<AuthResult> => {
    let reason = INVALID_CREDENTIALS;
    if (options.apiKeys && looksLikeApiKey(password)) {
      const check = await options.apiKeys.check(username, password);
      if (check.ok) {
        if (await userGone(username, undefined)) {
          await revokeKeysOf(username);
          return reject(INVALID_CREDENTIALS);
        }
        const scopes = check.key.credentialScopes;
        return accept(username, 'apikey', scopes ? { credentialScopes: scopes } : {});
      }
      // one reason for every failure (`reason` stays generic): telling "expired" from "another user's" from
      // "unknown" would be an oracle on the key's state
    }
    if (options.htpasswd) {
      const result = await options.htpasswd.verify(username, password, source);
      if (result === 'match') return accept(username, 'basic');
      if (result === 'busy') reason = 'too many pending attempts from this client';
    }
    if (options.ldap) {
      const result = await options.ldap.verify(username, password, source);
      if (result.kind === 'match') return accept(username, 'ldap', { groups: result.groups });
      if (result.kind === 'busy') reason = 'too many pending attempts from this client';
      // the log line is written where the outage is seen (onUnavailable); the caller gets a plain 401
      if (result.kind === 'unavailable') reason = 'the LDAP server is unavailable';
    }
    return reject(reason);
  };

  return {
    async authenticate(request) {
      const authorization = parseAuthorization(request.headers);
      if (authorization.kind === 'invalid') return reject(authorization.reason);

      const certificate = request.tls.clientCertificate;
      if (options.mtls && certificate?.authorized) {
        const username = options.mtls(certificate);
        if (username) return accept(username, 'mtls');
      }

      if (authorization.kind === 'basic') {
        if (!options.htpasswd && !options.apiKeys && !options.ldap)
          return reject('basic authentication is not enabled');
        return basic(authorization.username, authorization.password, request.clientIp);
      }
      if (authorization.kind === 'bearer') {
        const extra = options.tokenVerifiers ?? [];
        if (!options.bearer && extra.length === 0) return reject('bearer authentication is not enabled');
        const reasons: string[] = [];
        if (options.bearer) {
          const check = options.bearer.verify(authorization.token);
          if (check.ok) return { kind: 'identity', identity: check.identity };
          reasons.push(check.reason);
        }
        for (const verifier of extra) {
          const check = await verifier.verify(authorization.token);
          if (check.ok) return { kind: 'identity', identity: check.identity };
          reasons.push(check.reason);
        }
        return reject(reasons.join('; '));
      }

      if (options.sessions) {
        const session = await options.sessions.lookup(request);
        if (session.kind === 'valid') {
          if (!(await userGone(session.identity.username, session.loginMethod)))
            return { kind: 'identity', identity: session.identity };
          // her user was deleted: the session ends now, and so do her keys
          await options.sessions.revoke(session.sessionId);
          await revokeKeysOf(session.identity.username);
        }
        // A dead session cookie is not an attack: the request goes on as anonymous (zot does the same).
      }
      if (options.mtls && certificate && !certificate.authorized)
        return reject('client certificate not trusted');
      if (options.mtls && certificate?.authorized) return reject('no identity in client certificate');
      return { kind: 'anonymous' };
    },

    challenge(request) {
      const challenges: string[] = [];
      if (options.bearer) challenges.push(options.bearer.challenge(request));
      if (options.htpasswd || options.apiKeys || options.ldap)
        challenges.push(`Basic realm=${JSON.stringify(realm)}`);
      for (const verifier of options.tokenVerifiers ?? []) {
        const value = verifier.challenge?.(request);
        if (value !== undefined && !challenges.includes(value)) challenges.push(value);
      }
      return challenges;
    },

    async sessionCookies(request, result) {
      const sessions = options.sessions;
      if (!sessions) return [];
      if (
        result.kind === 'identity' &&
        (result.identity.method === 'basic' || result.identity.method === 'ldap') &&
        sessions.wantsSession(request)
      ) {
        // a live session of the same user is reused: one per login, not one per request
        const current = await sessions.current(request);
        if (current?.username === result.identity.username) return [];
        return sessions.issue(result.identity, request);
      }
      if (result.kind !== 'identity' && /(?:^|;\s*)session=/.test(request.headers.get('cookie') ?? '')) {
        return sessions.clearingCookies(request);
      }
      return [];
    },

    async close() {
      options.sessions?.close();
      await options.htpasswd?.close();
      await options.ldap?.close();
    },
  };
}

// Browser sessions: the `session` cookie (HttpOnly, SameSite=Lax, Secure over TLS or with
// `secureSession`), valid 2 hours, naming a session record in the MetaStore so that logout
// ends it on the server too. zot also sets a readable `user` cookie for its UI; so do we.
//
// As in zot's authn.go, a session is only looked at when the request carries the UI's header
// `X-ZOT-API-CLIENT: zot-ui` (a custom header that a cross-site form cannot send), unless
// `requireClientHeader` is false; and basic logins only open a session when that header is present.
//
// Bounds (issue 21.8): a basic-authenticated UI request that already carries a live session of the same user
// reuses it instead of opening another; one user keeps at most `maxSessionsPerUser` sessions opened by this
// process (the oldest is ended when a new one would pass the cap); expired records are purged every
// `purgeIntervalMs` (and once at start), so the store does not grow with time.
import { randomBytes } from 'node:crypto';
import type { MetaStore, SessionRecord } from '@zot-ts/metastore';
import {
  type CookieSealer,
  createCookieSealer,
  randomSessionKeys,
  type SessionKeys,
} from './session-keys.js';
import type { Identity, RequestInfo } from './types.js';

export const SESSION_COOKIE = 'session';
export const USER_COOKIE = 'user';
export const CLIENT_HEADER = 'x-zot-api-client';
export const CLIENT_HEADER_VALUE = 'zot-ui';
const DEFAULT_TTL_SECONDS = 2 * 60 * 60;
const DEFAULT_MAX_SESSIONS_PER_USER = 16;
const DEFAULT_PURGE_INTERVAL_MS = 10 * 60 * 1000;

export interface SessionServiceOptions {
  metaStore: Pick<MetaStore, 'sessions'>;
  /** From loadSessionKeysFile; random keys when absent. */
  keys?: SessionKeys;
  /** Forces the Secure attribute even without TLS (zot's `secureSession`, e.g. behind a TLS proxy). */
  secureSession?: boolean;
  ttlSeconds?: number;
  requireClientHeader?: boolean;
  /** Live sessions one user may have (opened by this process); default 16. */
  maxSessionsPerUser?: number;
  /** How often expired sessions are purged from the store; default 10 minutes, 0 never. */
  purgeIntervalMs?: number;
  now?: () => Date;
}

export type SessionLookup =
  | { kind: 'none' }
  /** `loginMethod`: how the user logged in ('basic', 'oidc', ...). */
  | { kind: 'valid'; identity: Identity; sessionId: string; loginMethod: string }
  | { kind: 'invalid' };

/** What an OpenID Connect login keeps with its session: the ID token for logout's `id_token_hint`. */
export interface SessionLogin {
  /** The provider key (`http.auth.openid.providers.<name>`) the user logged in with. */
  provider?: string;
  idToken?: string;
}

/** The live session a request's cookie names, whatever its client header (for logout). */
export interface CurrentSession extends SessionLogin {
  sessionId: string;
  username: string;
  /** How the user logged in: 'basic', 'oidc', ... */
  method: string;
}

// The login extras (provider, ID token) are declared on the metastore's session record.
type StoredSession = SessionRecord;

export interface SessionService {
  wantsSession(request: RequestInfo): boolean;
  lookup(request: RequestInfo): Promise<SessionLookup>;
  /** Opens a session for `identity`; returns the Set-Cookie header values. */
  issue(identity: Identity, request: { tls: { enabled: boolean } }, login?: SessionLogin): Promise<string[]>;
  /** The live session named by the request's cookie (no client header needed), or undefined. */
  current(request: Request | RequestInfo): Promise<CurrentSession | undefined>;
  /** Ends one session on the server at once (a copied cookie stops working). */
  revoke(sessionId: string): Promise<void>;
  clearingCookies(request: { tls: { enabled: boolean } }): string[];
  /** `POST /zot/auth/logout`: revokes the session named by the cookie and clears the cookies. */
  logout(request: Request): Promise<Response>;
  /** Stops the purge timer. */
  close(): void;
}

export function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const equals = part.indexOf('=');
    if (equals <= 0) continue;
    const name = part.slice(0, equals).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(equals + 1).trim());
  }
  return cookies;
}

export function createSessionService(options: SessionServiceOptions): SessionService {
  const sealer: CookieSealer = createCookieSealer(options.keys ?? randomSessionKeys());
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  const now = options.now ?? (() => new Date());
  const store = options.metaStore.sessions;
  const maxSessionsPerUser = Math.max(1, options.maxSessionsPerUser ?? DEFAULT_MAX_SESSIONS_PER_USER);
  /** Sessions this process opened, per user, oldest first: the cap ends the oldest. */
  const opened = new Map<string, string[]>();

  const purge = (): void => {
    store.purgeExpired(now()).catch(() => undefined); // a failed purge is retried at the next tick
  };
  const purgeIntervalMs = options.purgeIntervalMs ?? DEFAULT_PURGE_INTERVAL_MS;
  let purgeTimer: NodeJS.Timeout | undefined;
  if (purgeIntervalMs > 0) {
    purge();
    purgeTimer = setInterval(purge, purgeIntervalMs);
    purgeTimer.unref();
  }

  const remember = async (username: string, sessionId: string): Promise<void> => {
    const ids = opened.get(username) ?? [];
    ids.push(sessionId);
    opened.set(username, ids);
    while (ids.length > maxSessionsPerUser) {
      const oldest = ids.shift() as string;
      await store.revoke(oldest);
    }
  };

  const attributes = (secure: boolean, maxAge: number, httpOnly: boolean): string =>
    `Path=/; Max-Age=${maxAge}; SameSite=Lax${httpOnly ? '; HttpOnly' : ''}${secure ? '; Secure' : ''}`;
  const isSecure = (tlsEnabled: boolean): boolean => options.secureSession === true || tlsEnabled;

  const sessionIdOf = (cookieHeader: string | null): string | undefined | null => {
    const value = parseCookies(cookieHeader).get(SESSION_COOKIE);
    if (value === undefined) return undefined;
    const payload = sealer.unseal(decodeURIComponent(value)) as { sid?: unknown; exp?: unknown } | undefined;
    if (typeof payload?.sid !== 'string' || typeof payload.exp !== 'number') return null;
    if (payload.exp * 1000 <= now().getTime()) return null;
    return payload.sid;
  };

  const clearingCookies = (request: { tls: { enabled: boolean } }): string[] => {
    const secure = isSecure(request.tls.enabled);
    return [
      `${SESSION_COOKIE}=; ${attributes(secure, 0, true)}; Expires=Thu, 01 Jan 1970 00:00:00 GMT`,
      `${USER_COOKIE}=; ${attributes(secure, 0, false)}; Expires=Thu, 01 Jan 1970 00:00:00 GMT`,
    ];
  };

  return {
    wantsSession(request) {
      return request.headers.get(CLIENT_HEADER) === CLIENT_HEADER_VALUE;
    },

    async lookup(request) {
      if (options.requireClientHeader !== false && !this.wantsSession(request)) return { kind: 'none' };
      const sessionId = sessionIdOf(request.headers.get('cookie'));
      if (sessionId === undefined) return { kind: 'none' };
      if (sessionId === null) return { kind: 'invalid' };
      const record = await store.get(sessionId, now());
      if (!record) return { kind: 'invalid' };
      // Only an OpenID or LDAP login's provider groups are the session's own; static groups come from the live config
      // at each decision (a basic session made before that rule may still hold them: they are ignored).
      const groups = record.method === 'oidc' || record.method === 'ldap' ? record.groups : [];
      const identity: Identity = { username: record.username, groups, method: 'session' };
      if (record.claims) identity.claims = record.claims;
      return { kind: 'valid', identity, sessionId, loginMethod: record.method };
    },

    async issue(identity, request, login) {
      const createdAt = now();
      const expiresAt = new Date(createdAt.getTime() + ttlSeconds * 1000);
      const sessionId = randomBytes(32).toString('base64url');
      const record: StoredSession = {
        id: sessionId,
        username: identity.username,
        groups: identity.groups,
        method: identity.method,
        ...(identity.claims ? { claims: identity.claims } : {}),
        ...(login?.provider === undefined ? {} : { provider: login.provider }),
        ...(login?.idToken === undefined ? {} : { idToken: login.idToken }),
        createdAt,
        expiresAt,
      };
      await store.create(record);
      await remember(identity.username, sessionId);
      const sealed = sealer.seal({ sid: sessionId, exp: Math.floor(expiresAt.getTime() / 1000) });
      const secure = isSecure(request.tls.enabled);
      return [
        `${SESSION_COOKIE}=${sealed}; ${attributes(secure, ttlSeconds, true)}`,
        `${USER_COOKIE}=${encodeURIComponent(identity.username)}; ${attributes(secure, ttlSeconds, false)}`,
      ];
    },

    clearingCookies,

    async current(request) {
      const sessionId = sessionIdOf(request.headers.get('cookie'));
      if (!sessionId) return undefined;
      const record = (await store.get(sessionId, now())) as StoredSession | undefined;
      if (!record) return undefined;
      return {
        sessionId,
        username: record.username,
        method: record.method,
        ...(typeof record.provider === 'string' ? { provider: record.provider } : {}),
        ...(typeof record.idToken === 'string' ? { idToken: record.idToken } : {}),
      };
    },

    async revoke(sessionId) {
      await store.revoke(sessionId);
    },

    close() {
      if (purgeTimer !== undefined) clearInterval(purgeTimer);
    },

    async logout(request) {
      const sessionId = sessionIdOf(request.headers.get('cookie'));
      if (sessionId) await store.revoke(sessionId);
      const headers = new Headers();
      const tls = { enabled: new URL(request.url).protocol === 'https:' };
      for (const cookie of clearingCookies({ tls })) headers.append('set-cookie', cookie);
      return new Response(null, { status: 200, headers });
    },
  };
}

// The auth challenge a registry answers 401 with, and the Docker token flow
// (https://distribution.github.io/distribution/spec/auth/token/): Basic sends the credentials on every
// request; Bearer fetches a token from the realm for the scopes a request needs
// (`repository:<name>:pull,push`, `registry:catalog:*`) and caches it per scope set until it expires.
import type { Readable } from 'node:stream';
import { RegistryClientError } from './errors.js';
import type { HttpRequest, HttpResponse } from './http.js';
import { readBody } from './http.js';

export interface Credentials {
  username: string;
  password: string;
}

export interface Challenge {
  scheme: 'basic' | 'bearer' | 'other';
  params: Record<string, string>;
}

/** Parses `Bearer realm="...",service="...",scope="..."` (quoted values may contain commas). */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(\S+)\s*(.*)$/.exec(header);
  if (match === null) return undefined;
  const name = (match[1] ?? '').toLowerCase();
  const params: Record<string, string> = {};
  for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[(pair[1] ?? '').toLowerCase()] = (pair[2] ?? pair[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme: name === 'basic' ? 'basic' : name === 'bearer' ? 'bearer' : 'other', params };
}

export const basicHeader = (credentials: Credentials): string =>
  `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;

interface CachedToken {
  token: string;
  expiresAt: number;
}

export interface TokenSource {
  /** The Authorization header for a request needing `scopes`, when the registry's scheme is known. */
  header(scopes: string[], signal?: AbortSignal): Promise<string | undefined>;
  /** Learns from a 401: returns true when a retry with new credentials may succeed. */
  learn(response: HttpResponse, scopes: string[], signal?: AbortSignal): Promise<boolean>;
}

/** `promise`, or the abort of `signal` if that comes first (the shared work goes on for the others). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function createTokenSource(
  credentials: Credentials | undefined,
  send: (request: HttpRequest) => Promise<HttpResponse>,
  options: { basicUpfront?: boolean } = {},
): TokenSource {
  // Basic up front: the scheme is assumed before any 401 (a Bearer challenge still replaces it), so a registry
  // that also serves anonymous users sees who is asking from the first request
  let challenge: Challenge | undefined =
    options.basicUpfront === true && credentials !== undefined ? { scheme: 'basic', params: {} } : undefined;
  const tokens = new Map<string, CachedToken>();
  const inFlight = new Map<string, Promise<CachedToken>>();
  const keyOf = (scopes: string[]) => [...new Set(scopes)].sort().join(' ');

  async function fetchToken(scopes: string[], signal?: AbortSignal): Promise<CachedToken> {
    const realm = challenge?.params.realm;
    if (realm === undefined)
      throw new RegistryClientError('TOKEN_FAILED', 'Bearer challenge without a realm');
    const url = new URL(realm);
    if (challenge?.params.service !== undefined) url.searchParams.set('service', challenge.params.service);
    for (const scope of new Set(scopes)) url.searchParams.append('scope', scope);
    if (credentials !== undefined) url.searchParams.set('account', credentials.username);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (credentials !== undefined) headers.authorization = basicHeader(credentials);
    const response = await send({ method: 'GET', url, headers, ...(signal === undefined ? {} : { signal }) });
    const text = (await readBody(response.body as Readable, 1024 * 1024)).toString('utf8');
    if (response.status !== 200)
      throw new RegistryClientError('TOKEN_FAILED', `token server ${url.host} answered ${response.status}`, {
        status: response.status,
      });
    let answer: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch (cause) {
      throw new RegistryClientError('TOKEN_FAILED', 'token server answered no JSON', { cause });
    }
    const token = typeof answer.token === 'string' ? answer.token : answer.access_token;
    if (typeof token !== 'string' || token === '')
      throw new RegistryClientError('TOKEN_FAILED', 'token server answered no token');
    // the spec's default lifetime is 60 s; renew 10 s early so a token never expires mid-request
    const lifetime = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : 60;
    return { token, expiresAt: Date.now() + Math.max(1, lifetime - 10) * 1000 };
  }

  return {
    async header(scopes, signal) {
      if (challenge === undefined) return undefined;
      if (challenge.scheme === 'basic')
        return credentials === undefined ? undefined : basicHeader(credentials);
      if (challenge.scheme !== 'bearer') return undefined;
      const key = keyOf(scopes);
      const cached = tokens.get(key);
      if (cached !== undefined && cached.expiresAt > Date.now()) return `Bearer ${cached.token}`;
      // requests that start together (a copy's blobs, a burst of pulls) share one token request
      let fetching = inFlight.get(key);
      if (fetching === undefined) {
        fetching = fetchToken(scopes).then((fresh) => {
          tokens.set(key, fresh);
          return fresh;
        });
        inFlight.set(key, fetching);
        const forget = () => inFlight.delete(key);
        fetching.then(forget, forget);
      }
      return `Bearer ${(await abortable(fetching, signal)).token}`;
    },
    async learn(response, scopes, signal) {
      const header = response.headers['www-authenticate'];
      const parsed = parseChallenge(Array.isArray(header) ? header[0] : header);
      if (parsed === undefined || parsed.scheme === 'other') return false;
      // a Basic challenge to a request that already carried the credentials refuses them: no retry
      const basicSent = challenge?.scheme === 'basic' && credentials !== undefined;
      challenge = parsed;
      if (parsed.scheme === 'basic') return credentials !== undefined && !basicSent;
      // a refused token (expired early, revoked, or short of a scope the server names) is replaced by one
      // for the request's scopes plus the one the challenge asks for; the caller retries once
      const wanted =
        parsed.params.scope === undefined ? scopes : [...scopes, ...parsed.params.scope.split(' ')];
      const fresh = await fetchToken(wanted, signal);
      tokens.set(keyOf(scopes), fresh);
      return true;
    },
  };
}

// GitHub login (zot's `http.auth.openid.providers.github`): GitHub speaks OAuth 2.0, not OpenID Connect, so there
// is no discovery and no ID token. As zot does it (authn.go NewRelyingPartyGithub, GetGithubUserInfo):
// - the browser goes to `authurl` (default https://github.com/login/oauth/authorize) with client_id, redirect_uri,
//   scope and state; the callback's code is exchanged at `tokenurl` (default .../login/oauth/access_token);
// - the user name is the account's primary e-mail (GET /user/emails); here it must also be verified, so an
//   address somebody added to her account without owning it never names her;
// - her groups are the logins of her organisations (GET /user/orgs).
// GitHub Enterprise Server: zot takes `authurl`/`tokenurl` and keeps calling api.github.com for the user; here
// the REST API is at `<origin of authurl>/api/v3` when authurl is not on github.com (GHES serves it there), so
// the same two keys make the whole flow work on GHES.
import { OidcFlowError } from './errors.js';
import { describeFetchFailure } from './fetch-failure.js';
import { parseHttpUrl } from './http-url.js';
import type { OidcProviderConfig } from './provider-config.js';

export interface GithubProvider {
  name: string;
  clientId: string;
  clientSecret: string | undefined;
  authUrl: URL;
  tokenUrl: URL;
  /** REST API base, without a trailing slash. */
  apiBase: string;
  scopes: string[];
}

const GITHUB_AUTH = 'https://github.com/login/oauth/authorize';
const GITHUB_TOKEN = 'https://github.com/login/oauth/access_token';
const GITHUB_API = 'https://api.github.com';
/** What reading the primary e-mail and the organisations needs (zot's README asks for read:org and user). */
const DEFAULT_SCOPES = ['read:org', 'user:email'];
const MAX_PAGES = 10;

export function resolveGithubProvider(
  name: string,
  config: OidcProviderConfig,
  credentials: { clientId: string; clientSecret: string | undefined },
): GithubProvider {
  const path = `http.auth.openid.providers.${name}`;
  const custom =
    config.authurl !== undefined &&
    config.authurl !== '' &&
    config.tokenurl !== undefined &&
    config.tokenurl !== '';
  // zot uses the custom endpoints only when both are given
  const authUrl = parseHttpUrl(custom ? (config.authurl as string) : GITHUB_AUTH, `${path}.authurl`);
  const tokenUrl = parseHttpUrl(custom ? (config.tokenurl as string) : GITHUB_TOKEN, `${path}.tokenurl`);
  const apiBase = authUrl.hostname === 'github.com' ? GITHUB_API : `${authUrl.origin}/api/v3`;
  const scopes = config.scopes && config.scopes.length > 0 ? [...config.scopes] : [...DEFAULT_SCOPES];
  return { name, ...credentials, authUrl, tokenUrl, apiBase, scopes };
}

export function githubAuthorizationUrl(
  provider: GithubProvider,
  input: { redirectUri: string; state: string; codeChallenge: string },
): URL {
  const url = new URL(provider.authUrl);
  url.searchParams.set('client_id', provider.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('scope', provider.scopes.join(' '));
  url.searchParams.set('state', input.state);
  // GitHub accepts PKCE (S256); a server that does not know it ignores the two parameters
  url.searchParams.set('code_challenge', input.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('allow_signup', 'false');
  return url;
}

async function call(url: string, init: RequestInit, what: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new OidcFlowError('PROVIDER_UNAVAILABLE', `GitHub ${what}: ${describeFetchFailure(error)}`, {
      cause: error,
    });
  }
  return response;
}

/** Exchanges the callback's code for an access token (GitHub answers errors with 200 and an `error` field). */
async function accessToken(
  provider: GithubProvider,
  input: { code: string; redirectUri: string; codeVerifier: string },
): Promise<string> {
  const body = new URLSearchParams({
    client_id: provider.clientId,
    code: input.code,
    redirect_uri: input.redirectUri,
    code_verifier: input.codeVerifier,
  });
  if (provider.clientSecret !== undefined) body.set('client_secret', provider.clientSecret);
  const response = await call(
    provider.tokenUrl.href,
    {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body,
    },
    'token exchange',
  );
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof answer.access_token !== 'string' || answer.access_token === '') {
    const reason = typeof answer.error === 'string' ? answer.error : `HTTP status ${response.status}`;
    throw new OidcFlowError('TOKEN_EXCHANGE_FAILED', `GitHub refused the code: ${reason}`);
  }
  return answer.access_token;
}

/** GETs a list from the REST API, following `Link: <...>; rel="next"` for up to MAX_PAGES pages. */
async function list(provider: GithubProvider, token: string, path: string): Promise<unknown[]> {
  const items: unknown[] = [];
  let next: string | undefined = `${provider.apiBase}${path}?per_page=100`;
  for (let page = 0; next !== undefined && page < MAX_PAGES; page++) {
    const response = await call(
      next,
      {
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${token}`,
          'x-github-api-version': '2022-11-28',
          'user-agent': 'zot-ts',
        },
      },
      `GET ${path}`,
    );
    if (!response.ok) {
      await response.arrayBuffer();
      // 401/403: the token lacks a scope (user:email, read:org) or was revoked
      throw new OidcFlowError('TOKEN_EXCHANGE_FAILED', `GitHub GET ${path}: HTTP status ${response.status}`);
    }
    const value = (await response.json()) as unknown;
    if (!Array.isArray(value))
      throw new OidcFlowError('PROVIDER_UNAVAILABLE', `GitHub GET ${path}: not a list`);
    items.push(...value);
    next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
    // a next page must stay on the API's origin: the token is sent with it
    if (next !== undefined && new URL(next).origin !== new URL(provider.apiBase).origin) next = undefined;
  }
  return items;
}

export interface GithubUser {
  username: string;
  groups: string[];
  claims: Record<string, unknown>;
}

/** The callback's work after the state check: code -> token -> primary e-mail and organisations. */
export async function githubUser(
  provider: GithubProvider,
  input: { code: string; redirectUri: string; codeVerifier: string },
): Promise<GithubUser> {
  const token = await accessToken(provider, input);
  const emails = (await list(provider, token, '/user/emails')) as Array<Record<string, unknown>>;
  const primary = emails.find((entry) => entry.primary === true && typeof entry.email === 'string');
  if (primary === undefined || primary.email === '')
    throw new OidcFlowError('NO_USERNAME', 'the GitHub account has no primary e-mail address');
  if (primary.verified !== true)
    throw new OidcFlowError(
      'NO_USERNAME',
      'the primary e-mail address of the GitHub account is not verified',
    );
  const orgs = (await list(provider, token, '/user/orgs')) as Array<Record<string, unknown>>;
  const groups = [
    ...new Set(orgs.map((org) => org.login).filter((login): login is string => typeof login === 'string')),
  ].sort();
  const username = primary.email as string;
  return { username, groups, claims: { email: username, groups } };
}

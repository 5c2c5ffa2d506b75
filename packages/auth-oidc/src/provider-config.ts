// zot's `http.auth.openid.providers.<name>` entries, checked and resolved once at start-up.
import { readFileSync } from 'node:fs';
import { OidcConfigError } from './errors.js';
import { type GithubProvider, resolveGithubProvider } from './github.js';
import { parseHttpUrl } from './http-url.js';
import type { Logger } from './ports.js';

/** One provider as written in zot's config. */
export interface OidcProviderConfig {
  /** Display name for a login page; not used here. */
  name?: string;
  /** zot signs its state cookie with this key; our login cookie is sealed with `loginStateKey` instead. */
  keypath?: string;
  clientid?: string;
  clientsecret?: string;
  /** JSON file `{"clientid": "...", "clientsecret": "..."}`, so secrets stay out of the config file. */
  credentialsFile?: string;
  issuer?: string;
  /** github only: the authorization endpoint of GitHub Enterprise Server (with `tokenurl`). */
  authurl?: string;
  /** github only: the token endpoint of GitHub Enterprise Server (with `authurl`). */
  tokenurl?: string;
  scopes?: string[];
  claimMapping?: { username?: string; groups?: string };
}

export interface ResolvedProvider {
  name: string;
  clientId: string;
  /** Absent for a public client: PKCE alone then protects the code. */
  clientSecret: string | undefined;
  issuer: URL;
  scopes: string[];
  usernameClaim: string;
  groupsClaim: string;
}

// zot knows these two providers by name and fills their issuer in (github is plain OAuth2, not OIDC).
const wellKnownIssuers: Record<string, string> = {
  google: 'https://accounts.google.com',
  gitlab: 'https://gitlab.com',
};

const defaultScopes = ['openid', 'profile', 'email'];

/** The OpenID Connect providers; `github` is plain OAuth2 and resolved by resolveGithubProviders. */
export function resolveProviders(
  providers: Record<string, OidcProviderConfig>,
  _logger?: Logger,
): Map<string, ResolvedProvider> {
  const resolved = new Map<string, ResolvedProvider>();
  for (const [name, config] of Object.entries(providers)) {
    // zot (IsOAuth2Supported): the provider named github is OAuth2 whatever else it says
    if (name === 'github') continue;
    resolved.set(name, resolveProvider(name, config));
  }
  return resolved;
}

/** The OAuth2 providers: zot knows one, `github`. */
export function resolveGithubProviders(
  providers: Record<string, OidcProviderConfig>,
): Map<string, GithubProvider> {
  const resolved = new Map<string, GithubProvider>();
  const config = providers.github;
  if (config !== undefined)
    resolved.set('github', resolveGithubProvider('github', config, credentialsOf('github', config)));
  return resolved;
}

/** Client id and secret, from credentialsFile when given (it wins), else inline. */
function credentialsOf(
  name: string,
  config: OidcProviderConfig,
): { clientId: string; clientSecret: string | undefined } {
  const path = `http.auth.openid.providers.${name}`;
  let clientId = config.clientid;
  let clientSecret = config.clientsecret;
  if (config.credentialsFile !== undefined) {
    const fromFile = readCredentialsFile(config.credentialsFile, `${path}.credentialsFile`);
    clientId = fromFile.clientid ?? clientId;
    clientSecret = fromFile.clientsecret ?? clientSecret;
  }
  if (clientId === undefined || clientId === '') {
    throw new OidcConfigError('MISSING_CLIENT_ID', `${path}.clientid`, 'an OpenID provider needs a clientid');
  }
  return { clientId, clientSecret: clientSecret === '' ? undefined : clientSecret };
}

function resolveProvider(name: string, config: OidcProviderConfig): ResolvedProvider {
  const path = `http.auth.openid.providers.${name}`;
  const issuerText = config.issuer ?? wellKnownIssuers[name];
  if (issuerText === undefined || issuerText === '') {
    throw new OidcConfigError('MISSING_ISSUER', `${path}.issuer`, 'an OpenID provider needs an issuer');
  }
  const issuer = parseHttpUrl(issuerText, `${path}.issuer`);

  const { clientId, clientSecret } = credentialsOf(name, config);

  // OIDC Core 3.1.2.1: the request MUST contain the `openid` scope value.
  const scopes = config.scopes && config.scopes.length > 0 ? [...config.scopes] : [...defaultScopes];
  if (!scopes.includes('openid')) scopes.unshift('openid');

  const usernameClaim = config.claimMapping?.username?.trim() || 'email';
  const groupsClaim = config.claimMapping?.groups?.trim() || 'groups';

  return {
    name,
    clientId,
    clientSecret,
    issuer,
    scopes,
    usernameClaim,
    groupsClaim,
  };
}

function readCredentialsFile(file: string, path: string): { clientid?: string; clientsecret?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new OidcConfigError('INVALID_CREDENTIALS_FILE', path, `cannot read ${file} as JSON`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new OidcConfigError('INVALID_CREDENTIALS_FILE', path, `${file} must hold a JSON object`);
  }
  const record = parsed as Record<string, unknown>;
  const result: { clientid?: string; clientsecret?: string } = {};
  for (const key of ['clientid', 'clientsecret'] as const) {
    const value = record[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      throw new OidcConfigError('INVALID_CREDENTIALS_FILE', path, `${file}: "${key}" must be a string`);
    }
    result[key] = value;
  }
  return result;
}

export { parseHttpUrl } from './http-url.js';

// zot's `http.auth.openid.providers.<name>` entries, checked and resolved once at start-up.
import { readFileSync } from 'node:fs';
import { OidcConfigError } from './errors.js';
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

export function resolveProviders(
  providers: Record<string, OidcProviderConfig>,
  logger?: Logger,
): Map<string, ResolvedProvider> {
  const resolved = new Map<string, ResolvedProvider>();
  for (const [name, config] of Object.entries(providers)) {
    // zot accepts `github` without an issuer: it is plain OAuth2, not OpenID Connect, so this
    // package cannot log users in with it. Skip it rather than refuse a valid zot config.
    if (name === 'github' && (config.issuer === undefined || config.issuer === '')) {
      logger?.warn('the github provider is OAuth2, not OpenID Connect; auth-oidc skips it', {
        provider: name,
      });
      continue;
    }
    resolved.set(name, resolveProvider(name, config));
  }
  return resolved;
}

function resolveProvider(name: string, config: OidcProviderConfig): ResolvedProvider {
  const path = `http.auth.openid.providers.${name}`;
  const issuerText = config.issuer ?? wellKnownIssuers[name];
  if (issuerText === undefined || issuerText === '') {
    throw new OidcConfigError('MISSING_ISSUER', `${path}.issuer`, 'an OpenID provider needs an issuer');
  }
  const issuer = parseHttpUrl(issuerText, `${path}.issuer`);

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

  // OIDC Core 3.1.2.1: the request MUST contain the `openid` scope value.
  const scopes = config.scopes && config.scopes.length > 0 ? [...config.scopes] : [...defaultScopes];
  if (!scopes.includes('openid')) scopes.unshift('openid');

  const usernameClaim = config.claimMapping?.username?.trim() || 'email';
  const groupsClaim = config.claimMapping?.groups?.trim() || 'groups';

  return {
    name,
    clientId,
    clientSecret: clientSecret === '' ? undefined : clientSecret,
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

/** Parses an absolute http(s) URL or throws a config error naming `path`. */
export function parseHttpUrl(text: string, path: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new OidcConfigError('INVALID_URL', path, `"${text}" is not an absolute URL`, { cause });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OidcConfigError('INVALID_URL', path, `"${text}" must be an http or https URL`);
  }
  return url;
}

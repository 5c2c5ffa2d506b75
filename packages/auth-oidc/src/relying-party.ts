// The OpenID Connect relying party: zot's /zot/auth/login, /zot/auth/callback/<provider> and
// /zot/auth/logout as framework-free web handlers `(request: Request) => Promise<Response>`.
import { randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { createCallbackTargetPolicy, safeCallbackTarget } from './callback-target.js';
import { mapOidcClaims, type StaticGroups } from './claim-mapping.js';
import { exchangeCode } from './code-exchange.js';
import { createDiscoveryCache } from './discovery.js';
import { buildEndSessionUrl } from './end-session.js';
import { type WebHandler, withErrorResponses } from './error-response.js';
import { OidcFlowError } from './errors.js';
import type { GithubProvider } from './github.js';
import { createGithubFlow } from './github-flow.js';
import { createLoginStateCodec } from './login-state.js';
import type { Logger, Now, SessionPort, UserPort } from './ports.js';
import {
  type OidcProviderConfig,
  parseHttpUrl,
  type ResolvedProvider,
  resolveGithubProviders,
  resolveProviders,
} from './provider-config.js';
import { providerNameInPath, redirectUriFor } from './redirect-uri.js';

export type { WebHandler };

export interface OidcRelyingPartyOptions {
  /** zot's `http.auth.openid.providers`. */
  providers: Record<string, OidcProviderConfig>;
  /** zot's `http.externalUrl`: the public origin (and path prefix) for redirect URIs. Defaults to the request's origin. */
  externalUrl?: string | undefined;
  /** Origins besides externalUrl that `callback_ui` may point at. */
  callbackAllowOrigins?: readonly string[] | undefined;
  sessions: SessionPort;
  users?: UserPort | undefined;
  /** zot's `http.accessControl.groups`, merged into OIDC users' groups. */
  staticGroups?: StaticGroups | undefined;
  /** Allow plain-http issuers (tests, a local Dex). */
  allowInsecureRequests?: boolean | undefined;
  /** Secure attribute on the login cookie; defaults to whether externalUrl is https. */
  secureCookies?: boolean | undefined;
  /** 32-byte AES key sealing the login cookie; share it between instances. Random per process by default. */
  loginStateKey?: Uint8Array | undefined;
  /** How long a user has to finish logging in at the provider. Default 600 s. */
  loginTimeoutSeconds?: number | undefined;
  /** How long provider metadata is cached. Default one hour. */
  discoveryTtlMs?: number | undefined;
  now?: Now | undefined;
  logger?: Logger | undefined;
}

export interface OidcRelyingParty {
  /** GET /zot/auth/login?provider=<name>&callback_ui=<path> */
  login: WebHandler;
  /** GET /zot/auth/callback/<provider> */
  callback: WebHandler;
  /** POST /zot/auth/logout */
  logout: WebHandler;
  /** Configured provider names, for a login page. */
  providerNames: string[];
  /** Fetches (and caches) every provider's discovery document now; one entry per provider, `error` when it failed. */
  checkDiscovery(): Promise<Array<{ provider: string; issuer: string; error?: string }>>;
}

export function createOidcRelyingParty(options: OidcRelyingPartyOptions): OidcRelyingParty {
  const providers = resolveProviders(options.providers, options.logger);
  const githubProviders = resolveGithubProviders(options.providers);
  const now = options.now ?? (() => new Date());
  const allowInsecureRequests = options.allowInsecureRequests ?? false;
  const externalUrl =
    options.externalUrl === undefined || options.externalUrl === ''
      ? undefined
      : parseHttpUrl(options.externalUrl, 'http.externalUrl');
  const externalPrefix = externalUrl ? externalUrl.pathname.replace(/\/+$/, '') : '';
  const callbackPolicy = createCallbackTargetPolicy(externalUrl?.href, options.callbackAllowOrigins ?? []);
  const discovery = createDiscoveryCache({
    allowInsecureRequests,
    ttlMs: options.discoveryTtlMs ?? 3_600_000,
    now,
  });
  const loginTimeoutSeconds = options.loginTimeoutSeconds ?? 600;
  const loginState = createLoginStateCodec({
    key: options.loginStateKey ?? randomBytes(32),
    cookiePath: `${externalPrefix}/zot/auth/callback`,
    secure: options.secureCookies ?? externalUrl?.protocol === 'https:',
    maxAgeSeconds: loginTimeoutSeconds,
    now,
  });

  const github = createGithubFlow({
    loginState,
    loginTimeoutSeconds,
    now,
    publicBase: (request) => publicBase(request),
    loggedIn: (state, user) => loggedIn(state, user),
  });

  /** `<externalUrl>` without a trailing slash, or the request's own origin. */
  function publicBase(request: Request): string {
    return externalUrl ? `${externalUrl.origin}${externalPrefix}` : new URL(request.url).origin;
  }

  function providerNamed(name: string | null | undefined): ResolvedProvider | GithubProvider {
    const provider = name ? (providers.get(name) ?? githubProviders.get(name)) : undefined;
    if (provider === undefined)
      throw new OidcFlowError('UNKNOWN_PROVIDER', `no OpenID provider named "${name ?? ''}"`);
    return provider;
  }

  async function login(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const provider = providerNamed(url.searchParams.get('provider'));
    const callbackUiParam = url.searchParams.get('callback_ui');
    let callbackUi: string | undefined;
    if (callbackUiParam !== null && callbackUiParam !== '') {
      callbackUi = safeCallbackTarget(callbackUiParam, callbackPolicy);
      if (callbackUi === undefined)
        throw new OidcFlowError('INVALID_CALLBACK_UI', 'callback_ui is not an allowed target');
    }
    if (!('issuer' in provider)) return github.login(request, provider, callbackUi);
    const metadata = await discovery.get(provider.issuer);
    if (metadata.authorization_endpoint === undefined) {
      throw new OidcFlowError(
        'PROVIDER_UNAVAILABLE',
        `${provider.issuer.href} advertises no authorization_endpoint`,
      );
    }

    // OAuth 2.0 Security BCP: PKCE with S256 plus state, and an OIDC nonce bound to the ID token.
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const authorizationUrl = new URL(metadata.authorization_endpoint);
    const parameters = {
      client_id: provider.clientId,
      redirect_uri: redirectUriFor(publicBase(request), provider.name),
      response_type: 'code',
      scope: provider.scopes.join(' '),
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    };
    for (const [name, value] of Object.entries(parameters)) authorizationUrl.searchParams.set(name, value);

    const setCookie = loginState.issue({
      provider: provider.name,
      state,
      nonce,
      codeVerifier,
      ...(callbackUi === undefined ? {} : { callbackUi }),
      expiresAt: now().getTime() + loginTimeoutSeconds * 1000,
    });
    return new Response(null, {
      status: 302,
      headers: { location: authorizationUrl.href, 'set-cookie': setCookie, 'cache-control': 'no-store' },
    });
  }

  async function callback(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const provider = providerNamed(providerNameInPath(url.pathname));
    const state = loginState.read(request);
    if (state === undefined || state.provider !== provider.name) {
      throw new OidcFlowError(
        'INVALID_STATE',
        'no login in progress for this provider (missing or expired state cookie)',
      );
    }
    if (!('issuer' in provider)) return github.callback(request, provider, state);
    const metadata = await discovery.get(provider.issuer);
    const exchanged = await exchangeCode({
      provider,
      metadata,
      callbackUrl: url,
      loginState: state,
      redirectUri: redirectUriFor(publicBase(request), provider.name),
      allowInsecureRequests,
      logger: options.logger,
    });
    const user = mapOidcClaims({
      idTokenClaims: exchanged.idTokenClaims,
      userinfo: exchanged.userinfo,
      usernameClaim: provider.usernameClaim,
      groupsClaim: provider.groupsClaim,
      staticGroups: options.staticGroups,
      logger: options.logger,
    });
    return loggedIn(state, {
      username: user.username,
      groups: user.groups,
      claims: user.claims,
      idToken: exchanged.idToken,
      provider: provider.name,
    });
  }

  /** The end of every login: the user recorded, a session opened, the browser sent on. */
  async function loggedIn(
    state: { callbackUi?: string },
    user: {
      username: string;
      groups: string[];
      claims: Record<string, unknown>;
      idToken?: string;
      provider: string;
    },
  ): Promise<Response> {
    await options.users?.upsert(user.username, user.groups);
    const session = await options.sessions.create(user);
    options.logger?.info?.('OIDC login', {
      provider: user.provider,
      username: user.username,
      groups: user.groups,
    });

    const headers = new Headers({ 'cache-control': 'no-store' });
    for (const cookie of [session.setCookie].flat()) headers.append('set-cookie', cookie);
    headers.append('set-cookie', loginState.clear());
    // zot: redirect to callback_ui when the UI asked for it, otherwise 201 Created.
    if (state.callbackUi !== undefined) {
      headers.set('location', state.callbackUi);
      return new Response(null, { status: 302, headers });
    }
    return new Response(null, { status: 201, headers });
  }

  async function logout(request: Request): Promise<Response> {
    const session = await options.sessions.current(request);
    const body: { endSessionUrl?: string } = {};
    if (session !== undefined) {
      // Server-side revocation: a copied cookie stops working at once, not at its expiry.
      await options.sessions.revoke(session.sessionId);
      const provider = session.provider === undefined ? undefined : providers.get(session.provider);
      if (provider !== undefined) {
        const endSessionUrl = await endSessionUrlFor(provider, session.idToken, publicBase(request));
        if (endSessionUrl !== undefined) body.endSessionUrl = endSessionUrl;
      }
    }
    const headers = new Headers({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    for (const cookie of [options.sessions.clearCookie()].flat()) headers.append('set-cookie', cookie);
    return new Response(JSON.stringify(body), { status: 200, headers });
  }

  async function endSessionUrlFor(provider: ResolvedProvider, idToken: string | undefined, base: string) {
    try {
      const metadata = await discovery.get(provider.issuer);
      return buildEndSessionUrl({
        endSessionEndpoint: metadata.end_session_endpoint,
        clientId: provider.clientId,
        postLogoutRedirectUri: `${base}/login`,
        idTokenHint: idToken,
      });
    } catch (error) {
      // The local session is gone already; a provider that is down only costs the provider logout.
      options.logger?.warn('OIDC discovery failed during logout', {
        provider: provider.name,
        error: String(error),
      });
      return undefined;
    }
  }

  return {
    login: withErrorResponses(login, () => undefined, options.logger),
    callback: withErrorResponses(callback, () => loginState.clear(), options.logger),
    logout: withErrorResponses(logout, () => undefined, options.logger),
    providerNames: [...providers.keys(), ...githubProviders.keys()],
    checkDiscovery: () =>
      Promise.all(
        [...providers.values()].map(async (provider) => {
          const checked = { provider: provider.name, issuer: provider.issuer.href };
          try {
            await discovery.get(provider.issuer);
            return checked;
          } catch (error) {
            return { ...checked, error: error instanceof Error ? error.message : String(error) };
          }
        }),
      ),
  };
}

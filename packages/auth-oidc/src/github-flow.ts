// The GitHub (OAuth2) half of the relying party's login and callback (github.ts holds the provider and its REST
// calls): the same sealed login cookie as OpenID logins, carrying state and the PKCE verifier (no nonce: there
// is no ID token), and the same end of login (relying-party.ts `loggedIn`: user recorded, session opened).
import * as oauth from 'oauth4webapi';
import { OidcFlowError } from './errors.js';
import { type GithubProvider, githubAuthorizationUrl, githubUser } from './github.js';
import type { LoginState, LoginStateCodec } from './login-state.js';
import type { Now } from './ports.js';
import { redirectUriFor } from './redirect-uri.js';

export interface GithubFlowParts {
  loginState: LoginStateCodec;
  loginTimeoutSeconds: number;
  now: Now;
  publicBase(request: Request): string;
  loggedIn(
    state: { callbackUi?: string },
    user: { username: string; groups: string[]; claims: Record<string, unknown>; provider: string },
  ): Promise<Response>;
}

export function createGithubFlow(parts: GithubFlowParts) {
  return {
    async login(
      request: Request,
      provider: GithubProvider,
      callbackUi: string | undefined,
    ): Promise<Response> {
      const codeVerifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const authorizationUrl = githubAuthorizationUrl(provider, {
        redirectUri: redirectUriFor(parts.publicBase(request), provider.name),
        state,
        codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      });
      const setCookie = parts.loginState.issue({
        provider: provider.name,
        state,
        nonce: '',
        codeVerifier,
        ...(callbackUi === undefined ? {} : { callbackUi }),
        expiresAt: parts.now().getTime() + parts.loginTimeoutSeconds * 1000,
      });
      return new Response(null, {
        status: 302,
        headers: { location: authorizationUrl.href, 'set-cookie': setCookie, 'cache-control': 'no-store' },
      });
    },

    async callback(request: Request, provider: GithubProvider, state: LoginState): Promise<Response> {
      const url = new URL(request.url);
      // RFC 6749 10.12: the state sent back must be the one this browser's login cookie holds
      if (url.searchParams.get('state') !== state.state)
        throw new OidcFlowError('INVALID_STATE', 'the state returned by GitHub does not match this login');
      const error = url.searchParams.get('error');
      if (error !== null) throw new OidcFlowError('AUTHORIZATION_DENIED', `GitHub answered ${error}`);
      const code = url.searchParams.get('code');
      if (code === null || code === '')
        throw new OidcFlowError('TOKEN_EXCHANGE_FAILED', 'GitHub sent no code');
      const user = await githubUser(provider, {
        code,
        redirectUri: redirectUriFor(parts.publicBase(request), provider.name),
        codeVerifier: state.codeVerifier,
      });
      return parts.loggedIn(state, { ...user, provider: provider.name });
    },
  };
}

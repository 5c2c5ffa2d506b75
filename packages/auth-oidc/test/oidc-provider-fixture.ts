// A real OpenID provider (oidc-provider) on a loopback port, with dev login/consent pages,
// PKCE, a `groups` claim in the ID token and RP-initiated logout (end_session_endpoint).
/// <reference path="./oidc-provider.d.ts" />
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestAccount {
  email?: string;
  preferred_username?: string;
  groups?: string[] | string;
}

export interface ProviderFixture {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

/** Redirect URIs may be given late (a function read on the first request), when the relying party's port is
 * only known once the provider's issuer URL has been handed to it. */
type Uris = string[] | (() => string[]);
const urisOf = (uris: Uris): string[] => (typeof uris === 'function' ? uris() : uris);

export async function startOidcProvider(options: {
  redirectUris: Uris;
  postLogoutRedirectUris: Uris;
  accounts: Record<string, TestAccount>;
}): Promise<ProviderFixture> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'zot-registry';
  const clientSecret = 'a-test-client-secret-of-reasonable-length';

  const createProvider = () =>
    new Provider(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: urisOf(options.redirectUris),
          post_logout_redirect_uris: urisOf(options.postLogoutRedirectUris),
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      // PKCE is what our relying party always sends; make the provider insist on it.
      pkce: { required: () => true },
      claims: {
        openid: ['sub'],
        email: ['email', 'email_verified'],
        profile: ['preferred_username', 'name'],
        groups: ['groups'],
      },
      // Without this, oidc-provider keeps scope-derived claims such as `groups` out of the ID token.
      conformIdTokenClaims: false,
      features: {
        devInteractions: { enabled: true },
        rpInitiatedLogout: { enabled: true },
      },
      cookies: { keys: ['test-cookie-signing-key'] },
      // Explicit lifetimes keep oidc-provider from printing a notice for each default it uses.
      ttl: {
        Interaction: 600,
        Session: 3600,
        Grant: 3600,
        AccessToken: 600,
        IdToken: 600,
        AuthorizationCode: 60,
      },
      async findAccount(_context: unknown, accountId: string) {
        const account = options.accounts[accountId];
        if (account === undefined) return undefined;
        return {
          accountId,
          async claims() {
            return { sub: accountId, email_verified: true, ...account };
          },
        };
      },
    });
  let handler: ReturnType<Provider['callback']> | undefined;
  // Late URIs are known once they are absolute: a request before that (the relying party's discovery while it
  // starts) is served by a provider made for it alone, so the client is not fixed with the unfinished URIs.
  const urisKnown = () =>
    [...urisOf(options.redirectUris), ...urisOf(options.postLogoutRedirectUris)].every((uri) =>
      /^https?:\/\/[^/]/.test(uri),
    );
  server.on('request', (request, response) => {
    let serve = handler;
    if (serve === undefined) {
      const provider = createProvider();
      // The dev-only warnings (dev keys, dev interactions) are expected in tests.
      provider.on('server_error', (_context: unknown, error: unknown) =>
        console.error('oidc-provider error', error),
      );
      serve = provider.callback();
      if (urisKnown()) handler = serve;
    }
    serve(request, response);
  });

  return {
    issuer,
    clientId,
    clientSecret,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

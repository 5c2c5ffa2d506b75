// Helpers for the OIDC end-to-end tests: a real OpenID provider (oidc-provider) and the real registry on
// loopback, each knowing the other's address, and a browser that logs in through the provider's forms.
import {
  Browser,
  type ProviderFixture,
  startOidcProvider,
  type TestAccount,
} from '@zot-ts/auth-oidc/testing';
import { startTestRegistry, type TestRegistry } from './helpers.js';

/** The registry UI's header: zot reads the session cookie only on requests that carry it. */
export const UI = { 'X-ZOT-API-CLIENT': 'zot-ui' } as const;

export interface OidcSetup {
  provider: ProviderFixture;
  registry: TestRegistry;
  close(): Promise<void>;
}

/** `openidProvider` is merged into providers.oidc; `http` into the registry's http section. */
export async function startRegistryWithProvider(input: {
  accounts: Record<string, TestAccount>;
  openidProvider?: Record<string, unknown>;
  openid?: Record<string, unknown>;
  http?: Record<string, unknown>;
  /** Other top-level config sections (extensions). */
  config?: Record<string, unknown>;
}): Promise<OidcSetup> {
  let registryOrigin = '';
  // The provider reads its client's redirect URIs on its first request, once the registry's port is known.
  const provider = await startOidcProvider({
    redirectUris: () => [`${registryOrigin}/zot/auth/callback/oidc`],
    postLogoutRedirectUris: () => [`${registryOrigin}/login`],
    accounts: input.accounts,
  });
  const { auth, ...http } = (input.http ?? {}) as { auth?: Record<string, unknown> };
  const registry = await startTestRegistry({
    ...input.config,
    http: {
      ...http,
      auth: {
        ...auth,
        openid: {
          ...input.openid,
          providers: {
            oidc: {
              issuer: provider.issuer,
              clientid: provider.clientId,
              clientsecret: provider.clientSecret,
              scopes: ['openid', 'profile', 'email', 'groups'],
              ...input.openidProvider,
            },
          },
        },
      },
    },
  });
  registryOrigin = registry.url;
  return {
    provider,
    registry,
    close: async () => {
      await registry.dispose();
      await provider.close();
    },
  };
}

/**
 * GET /zot/auth/login at the registry, the provider's login and consent forms as `account`, and returns the
 * callback URL the provider sends the browser to (not yet visited), with the browser holding the login cookie.
 */
export async function loginAtProvider(
  browser: Browser,
  registryUrl: string,
  account: string,
  query = '',
): Promise<string> {
  const started = await browser.fetch(`${registryUrl}/zot/auth/login?provider=oidc${query}`);
  const location = started.headers.get('location');
  if (started.status !== 302 || location === null) {
    throw new Error(`login answered ${started.status}: ${await started.text()}`);
  }
  return browser.loginAtProvider(location, account, registryUrl);
}

/** The whole login: provider forms, then the registry's callback. Returns the callback's response. */
export async function logIn(
  browser: Browser,
  registryUrl: string,
  account: string,
  query = '',
): Promise<Response> {
  const callbackUrl = await loginAtProvider(browser, registryUrl, account, query);
  return browser.fetch(callbackUrl);
}

/** `Cookie` header value the browser would send to the registry: what an attacker could copy. */
export const cookiesFor = (browser: Browser, registryUrl: string): string =>
  browser.cookieHeaderFor(new URL(`${registryUrl}/v2/`));

export { Browser };

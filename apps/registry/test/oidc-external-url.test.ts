// Behind a TLS-terminating proxy: http.externalUrl decides the redirect URI sent to the provider and makes the
// login cookie Secure and scoped to the callback path under the external prefix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OidcSetup, startRegistryWithProvider } from './oidc-fixtures.js';

let setup: OidcSetup;

beforeAll(async () => {
  setup = await startRegistryWithProvider({
    accounts: {},
    http: { externalUrl: 'https://registry.example.com/mirror' },
  });
}, 30_000);

afterAll(async () => {
  await setup?.close();
});

describe('OIDC login behind a proxy (http.externalUrl)', () => {
  it('sends the external redirect URI and sets a Secure login cookie for the external callback path', async () => {
    const response = await fetch(`${setup.registry.url}/zot/auth/login?provider=oidc`, {
      redirect: 'manual',
    });
    expect(response.status).toBe(302);
    const authorization = new URL(response.headers.get('location') ?? '');
    expect(authorization.origin).toBe(setup.provider.issuer);
    expect(authorization.searchParams.get('redirect_uri')).toBe(
      'https://registry.example.com/mirror/zot/auth/callback/oidc',
    );
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    const [cookie = ''] = response.headers.getSetCookie();
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/Path=\/mirror\/zot\/auth\/callback/);
    expect(cookie).toMatch(/HttpOnly/i);
  });

  it('accepts callback_ui on the external origin and refuses another origin', async () => {
    const external = await fetch(
      `${setup.registry.url}/zot/auth/login?provider=oidc&callback_ui=${encodeURIComponent('https://registry.example.com/ui')}`,
      { redirect: 'manual' },
    );
    expect(external.status).toBe(302);
    const other = await fetch(
      `${setup.registry.url}/zot/auth/login?provider=oidc&callback_ui=${encodeURIComponent('https://registry.example.org/ui')}`,
      { redirect: 'manual' },
    );
    expect(other.status).toBe(400);
  });
});

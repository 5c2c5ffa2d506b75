// End to end against a real OpenID provider (oidc-provider) on loopback: login, callback, session
// with mapped username and groups, RP-initiated logout, and the refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOidcRelyingParty, type OidcRelyingParty } from '../src/relying-party.js';
import { Browser } from './browser.js';
import { type ProviderFixture, startOidcProvider } from './oidc-provider-fixture.js';
import {
  MapSessions,
  RecordingUsers,
  type RelyingPartyServer,
  startRelyingPartyServer,
} from './relying-party-harness.js';

let provider: ProviderFixture;
let registry: RelyingPartyServer;
let relyingParty: OidcRelyingParty;
const sessions = new MapSessions();
const users = new RecordingUsers();
const warnings: string[] = [];

beforeAll(async () => {
  registry = await startRelyingPartyServer();
  provider = await startOidcProvider({
    redirectUris: [`${registry.origin}/zot/auth/callback/oidc`],
    postLogoutRedirectUris: [`${registry.origin}/login`],
    accounts: {
      alice: {
        email: 'alice@example.test',
        preferred_username: 'alice',
        groups: ['developers', 'admins', 'developers'],
      },
      bob: { email: 'bob@example.test', groups: 'readers' },
      nobody: {},
    },
  });
  relyingParty = createOidcRelyingParty({
    providers: {
      oidc: {
        clientid: provider.clientId,
        clientsecret: provider.clientSecret,
        issuer: provider.issuer,
        scopes: ['openid', 'profile', 'email', 'groups'],
        claimMapping: { username: 'preferred_username', groups: 'groups' },
      },
    },
    externalUrl: registry.origin,
    callbackAllowOrigins: ['https://ui.example.com'],
    sessions,
    users,
    staticGroups: { 'release-managers': { users: ['alice'] }, other: { users: ['carol'] } },
    allowInsecureRequests: true,
    logger: { warn: (message) => warnings.push(message) },
  });
  registry.mount(relyingParty, sessions);
}, 20_000);

afterAll(async () => {
  await Promise.all([registry.close(), provider.close()]);
});

async function startLogin(browser: Browser, query = 'provider=oidc&callback_ui=/home') {
  return browser.fetch(`${registry.origin}/zot/auth/login?${query}`);
}

/** Runs login up to the provider's redirect back to us; returns the callback URL. */
async function loginUntilCallback(browser: Browser, login: string, query?: string): Promise<string> {
  const started = await startLogin(browser, query);
  expect(started.status).toBe(302);
  return browser.loginAtProvider(started.headers.get('location') ?? '', login, registry.origin);
}

async function discoveredEndSessionEndpoint(): Promise<string> {
  const metadata = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as {
    end_session_endpoint: string;
  };
  return metadata.end_session_endpoint;
}

describe('OIDC relying party against oidc-provider', () => {
  it('starts the authorization code flow with PKCE, state and nonce in an HttpOnly cookie', async () => {
    const response = await startLogin(new Browser());
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.origin).toBe(provider.issuer);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: provider.clientId,
      redirect_uri: `${registry.origin}/zot/auth/callback/oidc`,
      response_type: 'code',
      scope: 'openid profile email groups',
      code_challenge_method: 'S256',
    });
    for (const parameter of ['state', 'nonce', 'code_challenge'])
      expect(location.searchParams.get(parameter)).toMatch(/^[\w-]{20,}$/);
    const cookie = response.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(
      /^zot_oidc_login=[\w-]+; Path=\/zot\/auth\/callback; Max-Age=600; HttpOnly; SameSite=Lax$/,
    );
    expect(cookie).not.toContain(location.searchParams.get('state'));
  });

  it('logs in, maps username and groups, and logs out with the exact endSessionUrl', async () => {
    const browser = new Browser();
    const callbackUrl = await loginUntilCallback(browser, 'alice');
    const callback = await browser.fetch(callbackUrl);
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/home');
    expect(browser.cookie('zot_oidc_login')).toBeUndefined();

    const [session] = [...sessions.sessions.values()].filter((entry) => entry.username === 'alice');
    expect(session).toMatchObject({
      username: 'alice',
      groups: ['admins', 'developers', 'release-managers'],
      provider: 'oidc',
      claims: {
        sub: 'alice',
        email: 'alice@example.test',
        iss: provider.issuer,
        groups: ['admins', 'developers'],
      },
    });
    expect(session?.claims).not.toHaveProperty('nonce');
    expect(session?.idToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(users.upserts).toContainEqual({
      username: 'alice',
      groups: ['admins', 'developers', 'release-managers'],
    });
    expect((await browser.fetch(`${registry.origin}/whoami`)).status).toBe(200);

    const logout = await browser.fetch(`${registry.origin}/zot/auth/logout`, { method: 'POST' });
    expect(logout.status).toBe(200);
    const expected =
      `${await discoveredEndSessionEndpoint()}?client_id=${provider.clientId}` +
      `&post_logout_redirect_uri=${encodeURIComponent(`${registry.origin}/login`)}` +
      `&id_token_hint=${session?.idToken}`;
    expect(await logout.json()).toEqual({ endSessionUrl: expected });
    // Revoked server-side: even a copy of the old cookie no longer works.
    expect([...sessions.sessions.values()].some((entry) => entry.username === 'alice')).toBe(false);
    expect((await browser.fetch(`${registry.origin}/whoami`)).status).toBe(401);
    // The provider accepts the URL (its logout confirmation page, no error).
    expect((await browser.fetch(expected)).status).toBe(200);
  });

  it('answers 201 without callback_ui, and reads a single-string groups claim', async () => {
    const browser = new Browser();
    const callback = await browser.fetch(await loginUntilCallback(browser, 'bob', 'provider=oidc'));
    expect(callback.status).toBe(201);
    expect(callback.headers.getSetCookie().some((cookie) => cookie.startsWith('session='))).toBe(true);
    // preferred_username is missing for bob: falls back to email, with a warning.
    expect(
      [...sessions.sessions.values()].find((entry) => entry.username === 'bob@example.test')?.groups,
    ).toEqual(['readers']);
    expect(warnings).toContain('OIDC username claim missing, falling back to email');
  });

  it('refuses a user with neither the username claim nor an email', async () => {
    const browser = new Browser();
    const callback = await browser.fetch(await loginUntilCallback(browser, 'nobody'));
    expect(callback.status).toBe(401);
    expect(await callback.json()).toMatchObject({ errors: [{ code: 'NO_USERNAME' }] });
  });

  it('refuses a callback whose state does not match the login cookie', async () => {
    const browser = new Browser();
    const callbackUrl = new URL(await loginUntilCallback(browser, 'alice'));
    callbackUrl.searchParams.set('state', 'forged-state-value');
    const before = sessions.sessions.size;
    const callback = await browser.fetch(callbackUrl.href);
    expect(callback.status).toBe(400);
    expect(await callback.json()).toMatchObject({ errors: [{ code: 'INVALID_STATE' }] });
    expect(sessions.sessions.size).toBe(before);
  });

  it('refuses a callback without the login cookie (another browser)', async () => {
    const callbackUrl = await loginUntilCallback(new Browser(), 'alice');
    const callback = await new Browser().fetch(callbackUrl);
    expect(callback.status).toBe(400);
    expect(await callback.json()).toMatchObject({ errors: [{ code: 'INVALID_STATE' }] });
  });

  it('refuses a replayed authorization code, even with the original login cookie', async () => {
    const browser = new Browser();
    const callbackUrl = await loginUntilCallback(browser, 'alice');
    const loginCookie = browser.cookieHeaderFor(new URL(callbackUrl));
    expect((await browser.fetch(callbackUrl)).status).toBe(302);
    const replay = await fetch(callbackUrl, { headers: { cookie: loginCookie }, redirect: 'manual' });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ errors: [{ code: 'TOKEN_EXCHANGE_FAILED' }] });
  });

  it('refuses open-redirect attempts in callback_ui before leaving for the provider', async () => {
    const attempts = [
      '//evil.example/x',
      '/\\evil.example',
      '\\\\evil.example',
      'https://evil.example/',
      'https://ui.example.com.evil.example/',
      'https://ui.example.com@evil.example/',
      'javascript:alert(1)',
      '/%09/evil.example',
    ];
    for (const attempt of attempts) {
      const response = await startLogin(
        new Browser(),
        `provider=oidc&callback_ui=${encodeURIComponent(attempt)}`,
      );
      if (attempt === '/%09/evil.example') {
        // A percent-encoded tab stays a path on our own origin: harmless, so it is allowed.
        expect(response.status).toBe(302);
        continue;
      }
      expect({ attempt, status: response.status }).toEqual({ attempt, status: 400 });
      expect(response.headers.get('location')).toBeNull();
    }
    const allowed = await startLogin(
      new Browser(),
      `provider=oidc&callback_ui=${encodeURIComponent('https://ui.example.com/after')}`,
    );
    expect(allowed.status).toBe(302);
  });

  it('refuses an unknown provider', async () => {
    const response = await startLogin(new Browser(), 'provider=nope');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ code: 'UNKNOWN_PROVIDER' }] });
  });

  it('answers a logout without a session with 200 {} and a cleared cookie', async () => {
    const response = await new Browser().fetch(`${registry.origin}/zot/auth/logout`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect(response.headers.getSetCookie()).toEqual(['session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax']);
  });
});

// Issue 7, RP-initiated logout through the registry: POST /zot/auth/logout ends the session server-side (a
// copied cookie gets 401 at once) and answers the provider's end-session URL with client_id,
// post_logout_redirect_uri=<origin>/login and the session's ID token as id_token_hint, which the provider accepts.
// A non-OIDC caller logs out as before (200, no body).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from './auth-fixtures.js';
import {
  Browser,
  cookiesFor,
  logIn,
  type OidcSetup,
  startRegistryWithProvider,
  UI,
} from './oidc-fixtures.js';

let setup: OidcSetup;
let url: string;

beforeAll(async () => {
  setup = await startRegistryWithProvider({
    accounts: { dave: { email: 'dave@example.com', groups: ['ops'] } },
    http: {
      accessControl: { repositories: { '**': { policies: [{ groups: ['ops'], actions: ['read'] }] } } },
    },
  });
  url = setup.registry.url;
}, 30_000);

afterAll(async () => {
  await setup?.close();
});

const payloadOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

describe('OIDC logout through the registry', () => {
  it('answers the exact endSessionUrl with id_token_hint and kills the session for a copied cookie', async () => {
    const browser = new Browser();
    expect((await logIn(browser, url, 'dave')).status).toBe(201);
    const copied = { Cookie: cookiesFor(browser, url), ...UI };
    expect((await get(url, '/v2/anything/tags/list', copied)).status).toBe(404); // authenticated, allowed

    const logout = await browser.fetch(`${url}/zot/auth/logout`, { method: 'POST', headers: UI });
    expect(logout.status).toBe(200);
    expect(logout.headers.getSetCookie()).toContainEqual(expect.stringMatching(/^session=;.*Max-Age=0/));
    const { endSessionUrl } = (await logout.json()) as { endSessionUrl: string };

    const discovery = (await (
      await fetch(`${setup.provider.issuer}/.well-known/openid-configuration`)
    ).json()) as { end_session_endpoint: string };
    const hint = new URL(endSessionUrl).searchParams.get('id_token_hint') ?? '';
    const expected = new URL(discovery.end_session_endpoint);
    expected.searchParams.set('client_id', setup.provider.clientId);
    expected.searchParams.set('post_logout_redirect_uri', `${url}/login`);
    expected.searchParams.set('id_token_hint', hint);
    expect(endSessionUrl).toBe(expected.href);
    // the hint is the ID token this login received: issued by the provider, for this client, about dave
    expect(payloadOf(hint)).toMatchObject({
      iss: setup.provider.issuer,
      aud: setup.provider.clientId,
      sub: 'dave',
    });

    // server-side revocation: the cookie copied before logout no longer authenticates anything
    const afterLogout = await get(url, '/v2/anything/tags/list', copied);
    expect(afterLogout.status).toBe(401);
    const keyAttempt = await fetch(`${url}/zot/auth/apikey`, { method: 'POST', headers: copied, body: '{}' });
    expect(keyAttempt.status).toBe(401);

    // and the provider accepts the URL, while it refuses one whose id_token_hint is not its token
    const forged = new URL(endSessionUrl);
    forged.searchParams.set('id_token_hint', `${hint.slice(0, -4)}AAAA`);
    expect((await browser.fetch(forged.href)).status).toBe(400);
    const atProvider = await browser.fetch(endSessionUrl);
    expect(atProvider.status).toBe(200);
    expect(await atProvider.text()).toMatch(/<form[^>]*logout/i);
  });

  it('logs out a caller without an OIDC session as before: 200, cookies cleared, no body', async () => {
    const logout = await fetch(`${url}/zot/auth/logout`, { method: 'POST', headers: UI });
    expect(logout.status).toBe(200);
    expect(await logout.text()).toBe('');
    expect(logout.headers.getSetCookie()).toContainEqual(expect.stringMatching(/^session=;/));
  });
});

// Issue 7 through the real registry server and a real OpenID provider on loopback: login -> provider forms ->
// callback -> session cookie; the provider's groups reaching CEL policies (allowed, and 403 with the condition's
// message); static accessControl.groups merged for OIDC users; the providers listed in the mgmt endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, pushImage } from './auth-fixtures.js';
import {
  Browser,
  cookiesFor,
  logIn,
  type OidcSetup,
  startRegistryWithProvider,
  UI,
} from './oidc-fixtures.js';

const teamRepositories = {
  expression: 'req.user.groups.exists(g, req.repository.startsWith(g + "/"))',
  message: 'push to your team repositories',
};
const accessControl = {
  groups: { releasers: { users: ['alice@example.com'] } },
  repositories: {
    'team-a/**': {
      policies: [
        {
          groups: ['team-a'],
          actions: ['read', 'create', 'update'],
          conditions: [
            teamRepositories,
            { expression: 'req.claims.email_verified == true', message: 'verified e-mail addresses only' },
          ],
        },
      ],
    },
    'team-b/**': {
      policies: [
        { groups: ['team-a', 'team-b'], actions: ['read', 'create'], conditions: [teamRepositories] },
      ],
    },
    'release/**': { policies: [{ groups: ['releasers'], actions: ['read', 'create'] }] },
  },
};

let setup: OidcSetup;
let url: string;

beforeAll(async () => {
  setup = await startRegistryWithProvider({
    accounts: {
      alice: { email: 'alice@example.com', preferred_username: 'alice', groups: ['team-a'] },
      bob: { email: 'bob@example.com', groups: 'team-b' },
    },
    openidProvider: { name: 'Test IdP' },
    http: { accessControl },
  });
  url = setup.registry.url;
}, 30_000);

afterAll(async () => {
  await setup?.close();
});

describe('OIDC login through the registry', () => {
  it('opens a session after the provider login and redirects to callback_ui', async () => {
    const browser = new Browser();
    const callback = await logIn(browser, url, 'alice', '&callback_ui=%2Fhome');
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/home');
    const cookies = callback.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith('session='))).toMatch(/HttpOnly/);
    expect(cookies).toContainEqual(expect.stringMatching(/^user=alice%40example\.com;/));

    // the session cookie authenticates API requests as the OIDC user (zot: only with the UI header)
    const catalog = await browser.fetch(`${url}/v2/_catalog`, { headers: UI });
    expect(catalog.status).toBe(200);
    const withoutHeader = await browser.fetch(`${url}/v2/team-a/app/tags/list`);
    expect(withoutHeader.status).toBe(401);
  });

  it('answers 201 without callback_ui', async () => {
    const callback = await logIn(new Browser(), url, 'bob');
    expect(callback.status).toBe(201);
  });

  it("lets the provider's groups allow one repository and deny another with 403 and the reason", async () => {
    const browser = new Browser();
    await logIn(browser, url, 'alice');
    const session = { Cookie: cookiesFor(browser, url), ...UI };

    expect((await pushImage(url, 'team-a/app', 'v1', session)).status).toBe(201);
    const denied = await pushImage(url, 'team-b/app', 'v1', session);
    expect(denied.status).toBe(403);
    expect(denied.body?.errors?.[0]?.detail?.reason).toBe('push to your team repositories');
    // static group membership (accessControl.groups) is merged into the OIDC user's groups
    expect((await pushImage(url, 'release/app', 'v1', session)).status).toBe(201);

    // bob's single-string groups claim is a list of one
    const bobBrowser = new Browser();
    await logIn(bobBrowser, url, 'bob');
    const bob = { Cookie: cookiesFor(bobBrowser, url), ...UI };
    expect((await pushImage(url, 'team-b/app', 'v1', bob)).status).toBe(201);
    const bobDenied = await pushImage(url, 'team-a/app', 'v2', bob);
    expect(bobDenied.status).toBe(403);
    expect((await get(url, '/v2/team-a/app/manifests/v1', bob)).status).toBe(403);
  });

  it("stores the user with the provider's groups only (static groups come from the live config)", async () => {
    await logIn(new Browser(), url, 'alice');
    const user = await setup.registry.registry.metaStore.users.get('alice@example.com');
    expect(user?.groups).toEqual(['team-a']);
  });

  it('lists the provider in /v2/_zot/ext/mgmt', async () => {
    const mgmt = await get(url, '/v2/_zot/ext/mgmt');
    expect(mgmt.status).toBe(200);
    expect(mgmt.json).toMatchObject({
      http: { auth: { openid: { providers: { oidc: { name: 'Test IdP' } } }, apikey: true } },
    });
  });
});

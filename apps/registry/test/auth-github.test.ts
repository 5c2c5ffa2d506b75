// Issue 22: GitHub login (http.auth.openid.providers.github) through the real registry and a stand-in for
// GitHub's OAuth and REST endpoints (github-stand-in.ts): login -> authorize -> callback -> session cookie ->
// an API request allowed by a policy naming the user's organisation as a group; a user outside it denied;
// an unverified primary e-mail and a forged state refused.
import { Browser } from '@zot-ts/auth-oidc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GithubStandIn, startGithubStandIn } from './github-stand-in.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

const UI = { 'X-ZOT-API-CLIENT': 'zot-ui' } as const;
let github: GithubStandIn;
let registry: TestRegistry;

beforeAll(async () => {
  github = await startGithubStandIn({
    octo: {
      emails: [
        { email: 'octo@users.noreply.example', primary: false, verified: true },
        { email: 'octo@acme.example', primary: true, verified: true },
      ],
      orgs: ['acme', 'open-source-club'],
    },
    outsider: { emails: [{ email: 'out@example.org', primary: true, verified: true }], orgs: ['elsewhere'] },
    unverified: { emails: [{ email: 'boss@acme.example', primary: true, verified: false }], orgs: ['acme'] },
  });
  registry = await startTestRegistry({
    http: {
      auth: {
        openid: {
          providers: {
            github: {
              clientid: github.clientId,
              clientsecret: github.clientSecret,
              authurl: `${github.origin}/login/oauth/authorize`,
              tokenurl: `${github.origin}/login/oauth/access_token`,
              scopes: ['read:org', 'user:email'],
            },
          },
        },
      },
      accessControl: {
        repositories: {
          'acme/**': { policies: [{ groups: ['acme'], actions: ['read', 'create', 'update'] }] },
        },
      },
    },
  });
}, 30_000);

afterAll(async () => {
  await registry?.dispose();
  await github?.close();
});

/** Registry login -> stand-in authorize -> registry callback, as a browser follows the redirects. */
async function logIn(account: string): Promise<{ browser: Browser; callback: Response }> {
  github.signInAs(account);
  const browser = new Browser();
  const login = await browser.fetch(`${registry.url}/zot/auth/login?provider=github`);
  expect(login.status).toBe(302);
  const authorize = new URL(login.headers.get('location') ?? '');
  expect(authorize.origin + authorize.pathname).toBe(`${github.origin}/login/oauth/authorize`);
  expect(authorize.searchParams.get('redirect_uri')).toBe(`${registry.url}/zot/auth/callback/github`);
  expect(authorize.searchParams.get('scope')).toBe('read:org user:email');
  const consent = await browser.fetch(authorize.href);
  expect(consent.status).toBe(302);
  const callback = await browser.fetch(consent.headers.get('location') ?? '');
  return { browser, callback };
}

const upload = (browser: Browser, repository: string) =>
  browser.fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: UI });

describe('GitHub login', () => {
  it('opens a session named by the primary e-mail, with the organisations as groups', async () => {
    const { browser, callback } = await logIn('octo');
    expect(callback.status).toBe(201);
    expect(callback.headers.getSetCookie()).toContainEqual(
      expect.stringMatching(/^user=octo%40acme\.example;/),
    );
    const allowed = await upload(browser, 'acme/app');
    expect(allowed.status).toBe(202);
    // both pages of /user/orgs were read
    expect(github.requests.filter((line) => line === 'GET /api/v3/user/orgs')).toHaveLength(2);
  });

  it('denies a GitHub user outside the organisation', async () => {
    const { browser, callback } = await logIn('outsider');
    expect(callback.status).toBe(201);
    expect((await upload(browser, 'acme/app')).status).toBe(403);
  });

  it('refuses an account whose primary e-mail is not verified', async () => {
    const { browser, callback } = await logIn('unverified');
    expect(callback.status).toBe(401);
    expect(callback.headers.getSetCookie().some((cookie) => cookie.startsWith('session='))).toBe(false);
    expect((await upload(browser, 'acme/app')).status).toBe(401);
  });

  it('refuses a callback whose state is not the one of this browser', async () => {
    github.signInAs('octo');
    const browser = new Browser();
    const login = await browser.fetch(`${registry.url}/zot/auth/login?provider=github`);
    const consent = await browser.fetch(login.headers.get('location') ?? '');
    const forged = new URL(consent.headers.get('location') ?? '');
    forged.searchParams.set('state', 'forged');
    const callback = await browser.fetch(forged.href);
    expect(callback.status).toBe(400);
  });

  it('logs out: the session ends on the server, with no provider logout URL (GitHub has none)', async () => {
    const { browser } = await logIn('octo');
    const copiedCookie = browser.cookieHeaderFor(new URL(`${registry.url}/v2/`));
    const logout = await browser.fetch(`${registry.url}/zot/auth/logout`, { method: 'POST', headers: UI });
    expect(logout.status).toBe(200);
    expect(await logout.json()).toEqual({});
    const replayed = await fetch(`${registry.url}/v2/acme/app/blobs/uploads/`, {
      method: 'POST',
      headers: { ...UI, cookie: copiedCookie },
    });
    expect(replayed.status).toBe(401);
  });

  it('lists github among the login providers of the mgmt endpoint', async () => {
    const mgmt = (await (await fetch(`${registry.url}/v2/_zot/ext/mgmt`)).json()) as {
      http: { auth: { openid?: { providers?: Record<string, unknown> } } };
    };
    expect(Object.keys(mgmt.http.auth.openid?.providers ?? {})).toContain('github');
  });
});

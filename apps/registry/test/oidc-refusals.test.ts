// Issue 7 refusals through the real registry: a callback whose state does not match the login, a replayed
// authorization code (even with the login cookie copied along), a callback without a login in progress,
// open-redirect targets for callback_ui, and an unknown provider. Each answers its error code and opens no session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from './helpers.js';
import {
  Browser,
  cookiesFor,
  loginAtProvider,
  type OidcSetup,
  startRegistryWithProvider,
} from './oidc-fixtures.js';

let setup: OidcSetup;
let url: string;

beforeAll(async () => {
  setup = await startRegistryWithProvider({
    accounts: { erin: { email: 'erin@example.com', groups: ['dev'] } },
    openid: { callbackAllowOrigins: ['https://ui.example.com'] },
  });
  url = setup.registry.url;
}, 30_000);

afterAll(async () => {
  await setup?.close();
});

const noSession = (response: Response) =>
  expect(response.headers.getSetCookie().some((cookie) => /^session=[^;]/.test(cookie))).toBe(false);

describe('OIDC refusals through the registry', () => {
  it('refuses a callback whose state was altered', async () => {
    const browser = new Browser();
    const callbackUrl = new URL(await loginAtProvider(browser, url, 'erin'));
    callbackUrl.searchParams.set('state', 'forged-state-value');
    const response = await browser.fetch(callbackUrl.href);
    expect(response.status).toBe(400);
    noSession(response);
    expect(await errorCode(response)).toBe('INVALID_STATE');
  });

  it('refuses a callback without a login in progress (no state cookie)', async () => {
    const callbackUrl = await loginAtProvider(new Browser(), url, 'erin');
    const response = await fetch(callbackUrl, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('INVALID_STATE');
  });

  it('refuses a replayed authorization code, even with the login cookie copied', async () => {
    const browser = new Browser();
    const callbackUrl = await loginAtProvider(browser, url, 'erin');
    // the attacker copies the login-state cookie before the victim's browser finishes the login
    const loginCookie = browser.cookieHeaderFor(new URL(callbackUrl));
    expect((await browser.fetch(callbackUrl)).status).toBe(201);
    expect(cookiesFor(browser, url)).toMatch(/session=/);

    const replayed = await fetch(callbackUrl, { headers: { cookie: loginCookie }, redirect: 'manual' });
    expect(replayed.status).toBe(401);
    noSession(replayed);
    expect(await errorCode(replayed)).toBe('TOKEN_EXCHANGE_FAILED');
  });

  it.each([
    ['//evil.example/phish'],
    ['/\\evil.example'],
    ['https://evil.example/after-login'],
    ['javascript:alert(1)'],
    ['https://ui.example.com@evil.example/'],
  ])('refuses callback_ui=%s before sending anyone to the provider', async (target) => {
    const response = await fetch(
      `${url}/zot/auth/login?provider=oidc&callback_ui=${encodeURIComponent(target)}`,
      {
        redirect: 'manual',
      },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await errorCode(response)).toBe('INVALID_CALLBACK_UI');
  });

  it('accepts callback_ui on an origin from callbackAllowOrigins and lands there after login', async () => {
    const browser = new Browser();
    const callbackUrl = await loginAtProvider(
      browser,
      url,
      'erin',
      '&callback_ui=https%3A%2F%2Fui.example.com%2Fhome',
    );
    const response = await browser.fetch(callbackUrl);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://ui.example.com/home');
  });

  it('refuses an unknown provider', async () => {
    const response = await fetch(`${url}/zot/auth/login?provider=nope`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('UNKNOWN_PROVIDER');
  });
});

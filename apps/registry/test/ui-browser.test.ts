// Issue 16: the web UI in a real browser (Debian's chromium through playwright-core) against the real registry,
// with images pushed by skopeo, a real OpenID provider (oidc-provider), htpasswd users, API keys and an access
// policy whose condition refuses with a reason. One browser for the whole file; the tests run in order and
// share its page, as a user's visit would.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { basic, htpasswdLines } from './auth-fixtures.js';
import { metadataOf } from './metadata-fixtures.js';
import { type OidcSetup, startRegistryWithProvider } from './oidc-fixtures.js';
import {
  ensureUiBuilt,
  launchChromium,
  pushWithSkopeo,
  signAndAttach,
  type TestBrowser,
} from './ui-fixtures.js';

const REASON = 'secret images are for the release team only';
let setup: OidcSetup;
let url: string;
let work: string;
let browser: TestBrowser;
let page: Page;

/** Waits for the registry's metadata to take in every push so far (search reads it). */
const settled = () => metadataOf(setup.registry).sync.idle();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'zot-ui-'));
  writeFileSync(join(work, 'htpasswd'), htpasswdLines({ alice: 'alice-pw', admin: 'admin-pw' }));
  const [, launched] = await Promise.all([ensureUiBuilt(), launchChromium()]);
  browser = launched;
  setup = await startRegistryWithProvider({
    accounts: { carol: { email: 'carol@example.com', preferred_username: 'carol' } },
    openidProvider: { name: 'Test IdP' },
    http: {
      auth: { htpasswd: { path: join(work, 'htpasswd') }, apikey: true },
      accessControl: {
        repositories: {
          '**': {
            policies: [{ users: ['alice', 'carol@example.com'], actions: ['read'] }],
            anonymousPolicy: ['read'],
          },
          'secret/**': {
            policies: [
              { users: ['alice'], actions: ['read'], conditions: [{ expression: 'false', message: REASON }] },
            ],
          },
        },
        adminPolicy: { users: ['admin'], actions: ['read', 'create', 'update', 'delete'] },
      },
    },
    config: { extensions: { search: { enable: true }, ui: { enable: true } } },
  });
  url = setup.registry.url;
  const admin = 'admin:admin-pw';
  const images = join(work, 'images');
  await pushWithSkopeo(
    url,
    images,
    'library/alpine:3.19',
    {
      tag: '3.19',
      arch: 'amd64',
      description: 'A minimal Linux image',
      created: '2024-05-01T00:00:00Z',
    },
    admin,
  );
  await pushWithSkopeo(
    url,
    images,
    'library/alpine:3.20',
    {
      tag: '3.20',
      arch: 'amd64',
      description: 'A minimal Linux image',
      created: '2024-06-01T00:00:00Z',
    },
    admin,
  );
  await pushWithSkopeo(
    url,
    images,
    'team/app:v1',
    {
      tag: 'v1',
      arch: 'arm64',
      description: 'The team application',
      created: '2024-04-01T00:00:00Z',
    },
    admin,
  );
  await pushWithSkopeo(
    url,
    images,
    'secret/app:v1',
    {
      tag: 'v1s',
      arch: 'amd64',
      description: 'Not for everyone',
      created: '2024-04-01T00:00:00Z',
    },
    admin,
  );
  await signAndAttach(url, 'library/alpine', '3.19', 'admin', 'admin-pw');
  await settled();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
  page = await browser.context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await setup?.close();
  rmSync(work, { recursive: true, force: true });
});

afterEach(async (context) => {
  // a failed step leaves what the browser showed, to read in the test output
  if (context.task.result?.state === 'fail' && page !== undefined)
    console.error(
      `at ${page.url()}:\n${(
        await page
          .locator('body')
          .textContent()
          .catch(() => '')
      )?.slice(0, 800)}`,
    );
});

describe('the web UI in chromium', { timeout: 20_000 }, () => {
  it("serves index.html for the UI's paths with zot's security headers, and hashed assets cached for a year", async () => {
    for (const path of [
      '/',
      '/home',
      '/explore?q=a',
      '/image/library%2Falpine/tag/3.19',
      '/user/apikey',
      '/login',
    ]) {
      const response = await fetch(`${url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('<div id="app">');
    }
    const html = await (await fetch(url)).text();
    const script = /src="(\/assets\/main-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    const asset = await fetch(`${url}${script}`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const etag = asset.headers.get('etag') ?? '';
    await asset.arrayBuffer();
    expect((await fetch(`${url}${script}`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    // the distribution-spec API is untouched, and other methods are not the UI's
    expect((await fetch(`${url}/v2/`)).status).toBe(200);
    expect((await fetch(`${url}/home`, { method: 'POST' })).status).toBe(404);
  });

  it('lets anonymous callers browse what the anonymous policy allows', async () => {
    await page.goto(`${url}/`);
    await expect.poll(() => page.getByTestId('repo-card').count(), { timeout: 10_000 }).toBe(2);
    const names = await page.locator('.repo-card h3').allTextContents();
    expect(names.sort()).toEqual(['library/alpine', 'team/app']);
    await expect.poll(() => page.getByRole('link', { name: 'Log in' }).count()).toBe(1);
  });

  it('logs in with a password and comes back to where the user was', async () => {
    await page.goto(`${url}/login?next=%2Fexplore%3Fsort%3DALPHABETIC_ASC`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Wrong username or password.').waitFor();
    await page.getByLabel('Password').fill('alice-pw');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${url}/explore?sort=ALPHABETIC_ASC`);
    await page.getByRole('link', { name: 'alice' }).waitFor();
    // the session cookie is HttpOnly: the page never holds the password or the session
    expect(await page.evaluate<string>('document.cookie')).toBe('user=alice');
    expect(await page.locator('.repo-card h3').allTextContents()).toEqual(['library/alpine', 'team/app']);
  });

  it('suggests repositories while typing and opens one from the keyboard', async () => {
    const search = page.getByRole('combobox', { name: 'Search repositories and tags' });
    await search.fill('alp');
    await page.getByRole('option', { name: 'library/alpine' }).waitFor();
    await search.press('ArrowDown');
    await search.press('Enter');
    await page.waitForURL(`${url}/image/library%2Falpine`);
    await page.getByRole('heading', { name: 'library/alpine', level: 1 }).waitFor();
    expect(await page.getByTestId('tag-row').locator('th').allTextContents()).toEqual(['3.20', '3.19']);
    await page.getByText('A minimal Linux image').first().waitFor();
    expect(await page.getByTestId('tag-row').first().textContent()).toContain('linux/amd64');
  });

  it('copies a pull command to the clipboard', async () => {
    await page.getByRole('button', { name: 'Copy the docker command' }).click();
    await page.getByRole('button', { name: 'Copy the docker command' }).getByText('Copied').waitFor();
    const host = new URL(url).host;
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(
      `docker pull ${host}/library/alpine:3.20`,
    );
  });

  it('stars a repository, which the server keeps and the starred filter finds', async () => {
    await page.getByRole('button', { name: /Star/ }).click();
    await page.getByRole('button', { name: /★ Starred/ }).waitFor();
    expect(await page.getByRole('button', { name: /Starred/ }).getAttribute('aria-pressed')).toBe('true');
    await page.reload();
    await page.getByRole('button', { name: /★ Starred 1/ }).waitFor();
    await page.goto(`${url}/explore?starred=1`);
    await expect.poll(() => page.locator('.repo-card h3').allTextContents()).toEqual(['library/alpine']);
  });

  it('opens an image: layers with history, signature, referrers and the raw manifest and config', async () => {
    await page.goto(`${url}/image/library%2Falpine`);
    await page.getByRole('link', { name: '3.19', exact: true }).click();
    await page.waitForURL(`${url}/image/library%2Falpine/tag/3.19`);
    await page.getByRole('heading', { name: 'library/alpine:3.19' }).waitFor();
    expect(await page.getByTestId('layer-row').first().textContent()).toContain('/bin/sh -c make 3.19');
    expect(await page.getByTestId('signature').allTextContents()).toEqual([expect.stringMatching(/^cosign/)]);
    expect(await page.getByTestId('referrer-row').first().textContent()).toContain('application/spdx+json');
    await page.getByText('Manifest and config JSON').click();
    await page.getByTestId('raw-manifest').waitFor();
    expect(await page.getByTestId('raw-manifest').textContent()).toContain('"schemaVersion": 2');
    expect(await page.getByTestId('raw-config').textContent()).toContain('"architecture": "amd64"');
  });

  it("shows a 403 with the policy's reason", async () => {
    await page.goto(`${url}/image/secret%2Fapp`);
    const error = page.getByTestId('error');
    await error.waitFor();
    expect(await error.getByRole('heading').textContent()).toBe('Access denied');
    expect(await error.textContent()).toContain(REASON);
  });

  it('says so when the registry does not answer, and offers a retry', async () => {
    await page.route('**/v2/_zot/ext/search', (route) => route.abort('connectionrefused'));
    await page.goto(`${url}/home`);
    await page.getByText('The registry is unreachable').waitFor();
    await page.unroute('**/v2/_zot/ext/search');
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => page.getByTestId('repo-card').count()).toBe(2);
  });

  it('fits a phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    for (const path of ['/home', '/image/library%2Falpine', '/image/library%2Falpine/tag/3.19']) {
      await page.goto(`${url}${path}`);
      await page.locator('main h1').waitFor();
      expect(await page.evaluate<number>('document.documentElement.scrollWidth'), path).toBeLessThanOrEqual(
        375,
      );
    }
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('creates an API key that works once shown, lists it, and revokes it', async () => {
    await page.goto(`${url}/user/apikey`);
    await page.getByLabel('Label').fill('ci pipeline');
    await page.getByLabel('Expires').selectOption('30');
    await page.getByLabel(/Repositories/).fill('library/**');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const shown = page.locator('.created-key code');
    await shown.waitFor();
    const apiKey = (await shown.textContent()) ?? '';
    expect(apiKey.length).toBeGreaterThan(20);
    await page.getByTestId('apikey-row').filter({ hasText: 'ci pipeline' }).waitFor();
    expect(await page.getByTestId('apikey-row').textContent()).toContain('library/**:read');
    const withKey = { headers: { Authorization: basic('alice', apiKey) } };
    expect((await fetch(`${url}/v2/library/alpine/tags/list`, withKey)).status).toBe(200);

    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Revoke ci pipeline' }).click();
    await expect.poll(() => page.getByTestId('apikey-row').count()).toBe(0);
    await page.getByText('No API keys yet.').waitFor();
    expect((await fetch(`${url}/v2/library/alpine/tags/list`, withKey)).status).toBe(401);
  });

  it('logs out, after which the user page asks for a login', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${url}/login`);
    expect(await page.evaluate<string>('document.cookie')).toBe('');
    await page.goto(`${url}/user/apikey`);
    await page.waitForURL(`${url}/login?next=%2Fuser%2Fapikey`);
  });

  it('logs in with OpenID at the provider and logs out there too (RP-initiated logout)', async () => {
    await page.goto(`${url}/login`);
    await page.getByRole('link', { name: 'Continue with Test IdP' }).click();
    // oidc-provider's development login and consent pages
    await page.waitForURL(`${setup.provider.issuer}/**`);
    await page.locator('input[name="login"]').fill('carol');
    await page.locator('input[name="password"]').fill('any-password');
    await page.locator('button[type="submit"]').click();
    await page.locator('button[type="submit"]').click(); // consent
    await page.waitForURL(`${url}/home`);
    await page.getByRole('link', { name: 'carol@example.com' }).waitFor();
    await expect.poll(() => page.getByTestId('repo-card').count()).toBe(2);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${setup.provider.issuer}/**`);
    await page.locator('button[autofocus], button[type="submit"]').first().click(); // "Yes, sign me out"
    await page.waitForURL(`${url}/login`);
    expect(await page.evaluate<string>('document.cookie')).toBe('');
  });
});

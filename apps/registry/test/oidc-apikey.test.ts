// Issue 7: after an OIDC login, an API key created from the session carries the user's identity and groups, so
// docker, skopeo or plain HTTP Basic (`<username>:<key>`) get exactly the rights the session had.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, get, pushImage } from './auth-fixtures.js';
import {
  Browser,
  cookiesFor,
  logIn,
  type OidcSetup,
  startRegistryWithProvider,
  UI,
} from './oidc-fixtures.js';

const run = promisify(execFile);
const hasTools = existsSync('/usr/bin/skopeo') && existsSync('/usr/bin/umoci');

let setup: OidcSetup;
let url: string;
let apiKey: string;
let workDirectory: string;

beforeAll(async () => {
  workDirectory = mkdtempSync(join(tmpdir(), 'zot-oidc-apikey-'));
  setup = await startRegistryWithProvider({
    accounts: { carol: { email: 'carol@example.com', groups: ['builders'] } },
    http: {
      accessControl: {
        repositories: {
          'builders/**': { policies: [{ groups: ['builders'], actions: ['read', 'create', 'update'] }] },
          'others/**': { policies: [{ groups: ['others'], actions: ['read', 'create'] }] },
        },
      },
    },
  });
  url = setup.registry.url;
  const browser = new Browser();
  expect((await logIn(browser, url, 'carol')).status).toBe(201);
  const created = await fetch(`${url}/zot/auth/apikey`, {
    method: 'POST',
    headers: { Cookie: cookiesFor(browser, url), ...UI, 'Content-Type': 'application/json' },
    body: JSON.stringify({ label: 'ci' }),
  });
  expect(created.status).toBe(201);
  apiKey = ((await created.json()) as { apiKey: string }).apiKey;
}, 30_000);

afterAll(async () => {
  await setup?.close();
  rmSync(workDirectory, { recursive: true, force: true });
});

describe('API keys made from an OIDC session', () => {
  it('belong to the OIDC user and are listed for that session', async () => {
    expect(apiKey).toMatch(/^zak_[0-9a-f]{32}$/);
    const listed = await get(url, '/zot/auth/apikey', { Authorization: basic('carol@example.com', apiKey) });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.json)).toContain('"label":"ci"');
  });

  it("push over HTTP Basic with the user's provider groups, and are refused outside them", async () => {
    const credentials = { Authorization: basic('carol@example.com', apiKey) };
    expect((await pushImage(url, 'builders/app', 'v1', credentials)).status).toBe(201);
    expect((await pushImage(url, 'others/app', 'v1', credentials)).status).toBe(403);
    // the key is bound to its owner: presented for another user name it is wrong credentials
    expect(
      (await pushImage(url, 'builders/app', 'v2', { Authorization: basic('mallory', apiKey) })).status,
    ).toBe(401);
  });

  it.skipIf(!hasTools)(
    'push with skopeo using <username>:<key>',
    async () => {
      const layout = join(workDirectory, 'layout');
      await run('umoci', ['init', '--layout', layout]);
      await run('umoci', ['new', '--image', `${layout}:latest`]);
      const target = `docker://${new URL(url).host}/builders/skopeo:v1`;
      await run('skopeo', [
        'copy',
        '--dest-tls-verify=false',
        '--dest-creds',
        `carol@example.com:${apiKey}`,
        `oci:${layout}:latest`,
        target,
      ]);
      const pulled = await get(url, '/v2/builders/skopeo/manifests/v1', {
        Authorization: basic('carol@example.com', apiKey),
        Accept: 'application/vnd.oci.image.manifest.v1+json',
      });
      expect(pulled.status).toBe(200);
      await expect(
        run('skopeo', [
          'copy',
          '--dest-tls-verify=false',
          '--dest-creds',
          `carol@example.com:${apiKey}`,
          `oci:${layout}:latest`,
          `docker://${new URL(url).host}/others/skopeo:v1`,
        ]),
      ).rejects.toThrow(/denied|403|unauthorized/i);
    },
    60_000,
  );
});

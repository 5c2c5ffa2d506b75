// Regenerates docs/ui/*.png: the web UI's main pages in Debian's chromium, against a real registry filled by
// umoci and skopeo (the browser tests' fixtures). Run from the repository root:
//   node --import tsx apps/registry/scripts/ui-screenshots.ts
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { htpasswdLines } from '../test/auth-fixtures.js';
import { startTestRegistry } from '../test/helpers.js';
import { metadataOf } from '../test/metadata-fixtures.js';
import { ensureUiBuilt, launchChromium, pushWithSkopeo, signAndAttach } from '../test/ui-fixtures.js';

const out = join(process.cwd(), 'docs', 'ui');
mkdirSync(out, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'zot-ui-shots-'));
writeFileSync(join(work, 'htpasswd'), htpasswdLines({ alice: 'alice-pw', admin: 'admin-pw' }));
await ensureUiBuilt();
const registry = await startTestRegistry({
  http: {
    auth: { htpasswd: { path: join(work, 'htpasswd') }, apikey: true },
    accessControl: {
      repositories: {
        '**': { policies: [{ users: ['alice'], actions: ['read'] }], anonymousPolicy: ['read'] },
        'secret/**': {
          policies: [
            {
              users: ['alice'],
              actions: ['read'],
              conditions: [{ expression: 'false', message: 'secret images are for the release team only' }],
            },
          ],
        },
      },
      adminPolicy: { users: ['admin'], actions: ['read', 'create', 'update', 'delete'] },
    },
  },
  extensions: { search: { enable: true }, ui: { enable: true } },
});
const browser = await launchChromium();
try {
  const url = registry.url;
  const images = [
    ['library/alpine:3.19', '3.19', 'amd64', 'A minimal Linux image', '2024-05-01T00:00:00Z'],
    ['library/alpine:3.20', '3.20', 'amd64', 'A minimal Linux image', '2024-06-01T00:00:00Z'],
    [
      'library/busybox:1.36',
      '1.36',
      'arm64',
      'Many common UNIX utilities in one small executable',
      '2024-03-01T00:00:00Z',
    ],
    ['team/app:v1', 'v1', 'arm64', 'The team application', '2024-04-01T00:00:00Z'],
    ['secret/app:v1', 'v1s', 'amd64', 'Not for everyone', '2024-04-01T00:00:00Z'],
  ] as const;
  for (const [destination, tag, arch, description, created] of images)
    await pushWithSkopeo(
      url,
      join(work, 'images'),
      destination,
      { tag, arch, description, created },
      'admin:admin-pw',
    );
  await signAndAttach(url, 'library/alpine', '3.19', 'admin', 'admin-pw');
  await metadataOf(registry).sync.idle();

  const page = await browser.context.newPage();
  const shot = async (name: string) => {
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
    console.log(`docs/ui/${name}.png`);
  };
  await page.goto(`${url}/login`);
  await page.getByLabel('Username').fill('alice');
  await shot('login');
  await page.getByLabel('Password').fill('alice-pw');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${url}/home`);
  await page.locator('.repo-card').first().waitFor();
  await shot('home');
  await page.goto(`${url}/image/library%2Falpine`);
  await page.getByRole('button', { name: /Star/ }).click();
  await page.getByRole('button', { name: /Starred/ }).waitFor();
  await shot('repository');
  await page.goto(`${url}/image/library%2Falpine/tag/3.19`);
  await page.getByTestId('layer-row').first().waitFor();
  await page.getByText('Manifest and config JSON').click();
  await page.getByTestId('raw-config').waitFor();
  await shot('image');
  await page.goto(`${url}/user/apikey`);
  await page.getByLabel('Label').fill('ci pipeline');
  await page.getByLabel(/Repositories/).fill('library/**');
  await page.getByRole('button', { name: 'Create API key' }).click();
  await page.locator('.created-key').waitFor();
  await shot('api-keys');
  await page.goto(`${url}/image/secret%2Fapp`);
  await page.getByTestId('error').waitFor();
  await shot('denied');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${url}/home`);
  await page.locator('.repo-card').first().waitFor();
  await shot('home-phone');
} finally {
  await browser.close();
  await registry.dispose();
  rmSync(work, { recursive: true, force: true });
}

// Issue 13 item 2 "done when": ../shared/clients-e2e.sh with E2E_CREDS passes against the mixed configuration
// (anonymous read on public/**, a login for everything else). GET /v2/ answers 200 there, and skopeo, podman and
// buildah send credentials only when that ping names a challenge. The script pushes under E2E_PREFIX: the first
// run keeps its default prefix e2e/<run id>, where anonymous callers may do nothing, so every step needs the
// credentials to be sent; the second pushes under public/<run id>, where pulls would work without them but
// pushes do not.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htpasswdLines, pushImage } from './auth-fixtures.js';
import { clientsE2eAvailable, expectAllClientStepsPassed, runClientsE2e } from './clients-e2e-runner.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

const allActions = ['read', 'create', 'update', 'delete'];

// skipped only where ../shared/clients-e2e.sh is absent (CI and sessions have it)
describe.skipIf(!clientsE2eAvailable)('clients-e2e.sh with credentials, anonymous read on public/**', () => {
  let registry: TestRegistry;
  let directory: string;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'zot-clients-mixed-'));
    const path = join(directory, 'htpasswd');
    writeFileSync(path, htpasswdLines({ e2e: 'e2e-pw' }));
    registry = await startTestRegistry({
      http: {
        auth: { htpasswd: { path } },
        accessControl: {
          repositories: {
            'public/**': { anonymousPolicy: ['read'], defaultPolicy: allActions },
            '**': { defaultPolicy: allActions },
          },
        },
      },
    });
  });
  afterAll(async () => {
    await registry?.dispose();
    rmSync(directory, { recursive: true, force: true });
  });

  it('the configuration is the mixed one: the ping answers 200, anonymous pushes are refused everywhere', async () => {
    const ping = await fetch(`${registry.url}/v2/`);
    expect(ping.status).toBe(200);
    expect(ping.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await pushImage(registry.url, 'e2e/probe/app', 'v1')).status).toBe(401);
    expect((await pushImage(registry.url, 'public/probe/app', 'v1')).status).toBe(401);
    expect((await fetch(`${registry.url}/v2/e2e/probe/app/tags/list`)).status).toBe(401);
  });

  it('passes every step under e2e/ (login required for all) and under public/ (login required to push)', async () => {
    const runId = `${Date.now()}-${process.pid}`;
    const [underLogin, underPublic] = await Promise.all([
      runClientsE2e(registry.url, { E2E_BIG_MB: '8', E2E_CREDS: 'e2e:e2e-pw' }),
      runClientsE2e(registry.url, {
        E2E_BIG_MB: '8',
        E2E_CREDS: 'e2e:e2e-pw',
        E2E_PREFIX: `public/${runId}`,
      }),
    ]);
    expect(underLogin).toContain('repositories under e2e/');
    expectAllClientStepsPassed(underLogin);
    expectAllClientStepsPassed(underPublic);
    // what the public run pushed is readable without credentials; what the other pushed is not
    expect((await fetch(`${registry.url}/v2/public/${runId}/app/tags/list`)).status).toBe(200);
    const catalog = (await (await fetch(`${registry.url}/v2/_catalog`)).json()) as { repositories: string[] };
    expect(catalog.repositories.every((name) => name.startsWith('public/'))).toBe(true);
    expect(catalog.repositories).toContain(`public/${runId}/app`);
  }, 300_000);
});

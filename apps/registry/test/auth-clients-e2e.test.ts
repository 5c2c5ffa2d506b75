// Issue 5 "done when": skopeo, umoci, podman and buildah log in with an htpasswd user, and with an API key as the
// password, and push and pull every step of ../shared/clients-e2e.sh against a server with htpasswd on.
// Both runs share one server and run at once (each script run uses its own repository prefix).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, htpasswdLines } from './auth-fixtures.js';
import { clientsE2eAvailable, expectAllClientStepsPassed, runClientsE2e } from './clients-e2e-runner.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

const runScript = (url: string, credentials: string) =>
  runClientsE2e(url, { E2E_BIG_MB: '16', E2E_CREDS: credentials });

// skipped only where ../shared/clients-e2e.sh is absent (CI and sessions have it)
describe.skipIf(!clientsE2eAvailable)('clients-e2e.sh with credentials (htpasswd on)', () => {
  let registry: TestRegistry;
  let directory: string;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'zot-clients-auth-'));
    const path = join(directory, 'htpasswd');
    writeFileSync(path, htpasswdLines({ e2e: 'e2e-pw' }));
    registry = await startTestRegistry({ http: { auth: { htpasswd: { path }, apikey: true } } });
  });
  afterAll(async () => {
    await registry?.dispose();
    rmSync(directory, { recursive: true, force: true });
  });

  it('passes every step with a password and with an API key as the password', async () => {
    const created = await fetch(`${registry.url}/zot/auth/apikey`, {
      method: 'POST',
      headers: { Authorization: basic('e2e', 'e2e-pw'), 'Content-Type': 'application/json' },
      body: JSON.stringify({ label: 'clients-e2e' }),
    });
    expect(created.status).toBe(201);
    const { apiKey } = (await created.json()) as { apiKey: string };
    const [withPassword, withKey] = await Promise.all([
      runScript(registry.url, 'e2e:e2e-pw'),
      runScript(registry.url, `e2e:${apiKey}`),
    ]);
    expectAllClientStepsPassed(withPassword);
    expectAllClientStepsPassed(withKey);
  }, 300_000);
});

// Real clients (skopeo, umoci, podman, buildah) against the real server: ../shared/clients-e2e.sh, every step.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { clientsE2eAvailable, expectAllClientStepsPassed, runClientsE2e } from './clients-e2e-runner.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

// skipped only where ../shared/clients-e2e.sh is absent (CI and sessions have it)
describe.skipIf(!clientsE2eAvailable)('clients-e2e.sh (skopeo, umoci, podman, buildah)', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(async () => {
    await registry?.dispose();
  });

  it('passes every step', async () => {
    expectAllClientStepsPassed(await runClientsE2e(registry.url, { E2E_BIG_MB: '64' }));
  }, 240_000);
});

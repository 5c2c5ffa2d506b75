// Real clients (skopeo, umoci, podman, buildah) against the real server: ../shared/clients-e2e.sh, every step.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRegistry, type TestRegistry } from './helpers.js';

// CI keeps the script beside the repository: <repo>/../shared/clients-e2e.sh
const repoRoot = resolve(import.meta.dirname, '../../..');
const script = resolve(repoRoot, '../shared/clients-e2e.sh');

describe.skipIf(!existsSync(script))('clients-e2e.sh (skopeo, umoci, podman, buildah)', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(async () => {
    await registry?.dispose();
  });

  it('passes every step', async () => {
    const output = await new Promise<string>((done) => {
      const child = spawn('bash', ['../shared/clients-e2e.sh', registry.url], {
        cwd: repoRoot,
        env: { ...process.env, E2E_BIG_MB: '64' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      child.on('close', () => done(text));
    });
    const summary = /(\d+) passed, (\d+) failed/.exec(output);
    expect(summary, output).not.toBeNull();
    expect(
      output.split('\n').filter((line) => line.startsWith('FAIL')),
      output,
    ).toEqual([]);
    expect(Number(summary?.[2]), output).toBe(0);
    expect(Number(summary?.[1]), output).toBeGreaterThanOrEqual(22);
  }, 240_000);
});

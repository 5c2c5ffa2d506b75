// Runs ../shared/clients-e2e.sh (skopeo, umoci, podman, buildah) against a registry and checks its verdict.
// CI keeps the script beside the repository: <repo>/../shared/clients-e2e.sh.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '../../..');
const script = resolve(repoRoot, '../shared/clients-e2e.sh');

/** Whether the script is there (a checkout without ../shared cannot run these tests). */
export const clientsE2eAvailable = existsSync(script);

/** The script's whole output (stdout and stderr); `env` adds knobs such as E2E_BIG_MB and E2E_CREDS. */
export function runClientsE2e(url: string, env: Record<string, string>): Promise<string> {
  return new Promise<string>((done) => {
    const child = spawn('bash', ['../shared/clients-e2e.sh', url], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    const collect = (chunk: Buffer) => {
      text += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('close', () => done(text));
  });
}

/** Every step passed: a summary line with 0 failed and at least the script's 22 steps, and no FAIL line. */
export function expectAllClientStepsPassed(output: string): void {
  const summary = /(\d+) passed, (\d+) failed/.exec(output);
  expect(summary, output).not.toBeNull();
  expect(
    output.split('\n').filter((line) => line.startsWith('FAIL')),
    output,
  ).toEqual([]);
  expect(Number(summary?.[2]), output).toBe(0);
  expect(Number(summary?.[1]), output).toBeGreaterThanOrEqual(22);
}

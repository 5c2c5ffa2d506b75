// Issue 5 "done when": skopeo, umoci, podman and buildah log in with an htpasswd user, and with an API key as the
// password, and push and pull every step of ../shared/clients-e2e.sh against a server with htpasswd on.
// Both runs share one server and run at once (each script run uses its own repository prefix).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, htpasswdLines } from './auth-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const script = resolve(repoRoot, '../shared/clients-e2e.sh');

function runScript(url: string, credentials: string): Promise<string> {
  return new Promise<string>((done) => {
    const child = spawn('bash', ['../shared/clients-e2e.sh', url], {
      cwd: repoRoot,
      env: { ...process.env, E2E_BIG_MB: '16', E2E_CREDS: credentials },
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
}

function expectAllPassed(output: string): void {
  const summary = /(\d+) passed, (\d+) failed/.exec(output);
  expect(summary, output).not.toBeNull();
  expect(
    output.split('\n').filter((line) => line.startsWith('FAIL')),
    output,
  ).toEqual([]);
  expect(Number(summary?.[2]), output).toBe(0);
  expect(Number(summary?.[1]), output).toBeGreaterThanOrEqual(22);
}

describe.skipIf(!existsSync(script))('clients-e2e.sh with credentials (htpasswd on)', () => {
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
    expectAllPassed(withPassword);
    expectAllPassed(withKey);
  }, 300_000);
});

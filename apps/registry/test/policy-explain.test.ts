// `zot policy explain`, `zot verify` and `zot serve` as real processes: exit codes 0/1/2, and a broken CEL
// expression rejecting the config with its exact path (verify prints it and exits 1; serve does not start).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const mainScript = resolve(import.meta.dirname, '../src/main.ts');
let directory: string;
let goodConfig: string;
let brokenConfig: string;
const brokenPath = 'http.accessControl.repositories["prod/**"].policies[0].conditions[1].expression';

function zot(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', mainScript, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // serve must not start: a timeout kills it and the test sees a null code
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

function writeConfig(name: string, conditions: Array<{ expression: string; message?: string }>): string {
  const path = join(directory, name);
  writeFileSync(
    path,
    JSON.stringify({
      storage: { rootDirectory: join(directory, 'data') },
      http: {
        address: '127.0.0.1',
        port: 0,
        auth: { htpasswd: { path: join(directory, 'htpasswd') } },
        accessControl: {
          groups: { ci: { users: ['ci-bot'] } },
          repositories: {
            'prod/**': { policies: [{ groups: ['ci'], actions: ['read'], conditions }] },
          },
        },
      },
      log: { level: 'error' },
    }),
  );
  return path;
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'zot-explain-'));
  writeFileSync(join(directory, 'htpasswd'), '');
  goodConfig = writeConfig('good.json', [
    { expression: 'req.repository.startsWith("prod/")' },
    { expression: 'req.referenceType == "digest"', message: 'CI pulls prod by digest' },
  ]);
  brokenConfig = writeConfig('broken.json', [
    { expression: 'req.repository.startsWith("prod/")' },
    { expression: 'req.referenceType == ', message: 'syntax error on purpose' },
  ]);
});
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('zot policy explain', () => {
  it('exits 0 and names the deciding rule when allowed', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const result = await zot([
      'policy',
      'explain',
      '--config',
      goodConfig,
      '--user',
      'ci-bot',
      '--action',
      'read',
      '--repo',
      'prod/app',
      '--digest',
      digest,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('ALLOWED');
    expect(result.stdout).toContain('policies[0]');
  }, 30_000);

  it('exits 1 with the failing condition when denied', async () => {
    const result = await zot([
      'policy',
      'explain',
      '--config',
      goodConfig,
      '--user',
      'ci-bot',
      '--action',
      'read',
      '--repo',
      'prod/app',
      '--tag',
      'latest',
    ]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain('DENIED');
    expect(result.stdout).toContain('CI pulls prod by digest');
  }, 30_000);

  it('exits 2 on usage errors and on a broken policy, printing its path', async () => {
    expect((await zot(['policy', 'explain', '--config', goodConfig, '--action', 'read'])).code).toBe(2);
    const broken = await zot([
      'policy',
      'explain',
      '--config',
      brokenConfig,
      '--user',
      'ci-bot',
      '--action',
      'read',
      '--repo',
      'prod/app',
    ]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(brokenPath);
  }, 30_000);
});

describe('a broken CEL expression rejects the config', () => {
  it('zot verify prints the exact path and exits 1; a good config is valid', async () => {
    const broken = await zot(['verify', brokenConfig]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(brokenPath);
    const good = await zot(['verify', goodConfig]);
    expect(good.code, good.stderr).toBe(0);
  }, 30_000);

  it('zot serve exits 1 with the path and does not start', async () => {
    const result = await zot(['serve', brokenConfig]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(brokenPath);
    expect(result.stderr).not.toContain('serving');
  }, 30_000);
});

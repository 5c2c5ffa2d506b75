// Issue 6 through the real program: `zot serve <config>` (node --import tsx src/main.ts) watches its config
// file, so a policy edited in the file is enforced without a restart, SIGHUP reloads at once, and SIGTERM
// still shuts down cleanly with status 0.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, htpasswdLines } from './auth-fixtures.js';
import { waitFor } from './server-tls-certs.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
let directory: string;
let configPath: string;
let child: ChildProcess;
let url: string;
let stdout = '';
const alice = { Authorization: basic('alice', 'alice-password') };

function writeConfig(actions: string[]): void {
  writeFileSync(
    configPath,
    JSON.stringify({
      storage: { rootDirectory: join(directory, 'data') },
      http: {
        address: '127.0.0.1',
        port: 0,
        auth: { htpasswd: { path: join(directory, 'htpasswd') } },
        accessControl: { repositories: { '**': { policies: [{ users: ['alice'], actions }] } } },
      },
      log: { level: 'info' },
    }),
  );
}

async function startUpload(): Promise<number> {
  const response = await fetch(`${url}/v2/cli/app/blobs/uploads/`, { method: 'POST', headers: alice });
  await response.arrayBuffer();
  return response.status;
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'zot-serve-reload-'));
  writeFileSync(join(directory, 'htpasswd'), htpasswdLines({ alice: 'alice-password' }));
  configPath = join(directory, 'config.json');
  writeConfig(['read', 'create']);
  child = spawn('node', ['--import', 'tsx', 'apps/registry/src/main.ts', 'serve', configPath], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await waitFor(() => /zot: serving (\S+)/.test(stderr), 15_000);
  url = /zot: serving (\S+)/.exec(stderr)?.[1] ?? '';
}, 20_000);
afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(directory, { recursive: true, force: true });
});

describe('zot serve <config>', () => {
  it('enforces a policy edited in the file without a restart', async () => {
    expect(await startUpload()).toBe(202);
    writeConfig(['read']);
    await waitFor(async () => (await startUpload()) === 403, 2000);
  });

  it('keeps running on SIGHUP (it reloads rather than hangs up) and logs the applied change as one JSON line', async () => {
    const before = stdout.split('\n').filter((line) => line.includes('"config reloaded"')).length;
    child.kill('SIGHUP'); // the file did not change: nothing to apply, and the process keeps running
    writeConfig(['read', 'create']);
    child.kill('SIGHUP');
    await waitFor(async () => (await startUpload()) === 202, 2000);
    const reloaded = stdout.split('\n').filter((line) => line.includes('"config reloaded"'));
    expect(reloaded.length).toBeGreaterThan(before);
    expect(JSON.parse(reloaded.at(-1) ?? '{}')).toMatchObject({ applied: ['http.accessControl'] });
  });

  it('exits 0 on SIGTERM after the reloads', async () => {
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

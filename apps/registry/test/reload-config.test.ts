// Issue 6, config reload through the real server: `startRegistry({ configPath })` (what `zot serve <config>`
// runs) watches the file. A changed policy takes effect within a second or two; a broken new config (bad
// syntax, schema errors, a CEL expression that does not compile) keeps the policies in force and one JSON
// log line says why; settings that need a restart are logged as such and ignored.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '@zot-ts/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRegistry, startRegistry } from '../src/index.js';
import { basic, htpasswdLines } from './auth-fixtures.js';
import { waitFor } from './server-tls-certs.js';

let directory: string;
let configPath: string;
let running: RunningRegistry;
const lines: Array<Record<string, unknown>> = [];
const alice = { Authorization: basic('alice', 'alice-password') };

/** The config file, with `policies` as the one repository group's policies. */
function configWith(policies: unknown[], http: Record<string, unknown> = {}): string {
  return JSON.stringify({
    storage: { rootDirectory: join(directory, 'data') },
    http: {
      address: '127.0.0.1',
      port: 5000,
      auth: { htpasswd: { path: join(directory, 'htpasswd') } },
      accessControl: { repositories: { '**': { policies } } },
      ...http,
    },
    log: { level: 'info' },
  });
}

const canPush = { users: ['alice'], actions: ['read', 'create'] };
const readOnly = { users: ['alice'], actions: ['read'] };

/** Status of starting an upload as alice: 202 when create is allowed, 403 when denied. */
async function startUpload(): Promise<number> {
  const response = await fetch(`${running.url}/v2/team/app/blobs/uploads/`, {
    method: 'POST',
    headers: alice,
  });
  await response.arrayBuffer();
  return response.status;
}

function logged(message: string): Array<Record<string, unknown>> {
  return lines.filter((line) => line.message === message);
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'zot-reload-'));
  writeFileSync(join(directory, 'htpasswd'), htpasswdLines({ alice: 'alice-password' }));
  configPath = join(directory, 'config.json');
  writeFileSync(configPath, configWith([canPush]));
  running = await startRegistry({
    config: await loadConfig(configPath),
    configPath,
    port: 0,
    stdout: new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line));
        done();
      },
    }),
  });
});
afterAll(async () => {
  await running?.close();
  rmSync(directory, { recursive: true, force: true });
});

// The steps build on each other: each one starts from the policy the previous one left in force.
describe('config reload of `zot serve <config>`', () => {
  it('applies a changed policy from the file within two seconds', async () => {
    expect(await startUpload()).toBe(202);
    writeFileSync(configPath, configWith([readOnly]));
    const tookMs = await waitFor(async () => (await startUpload()) === 403, 2000);
    expect(tookMs).toBeLessThan(2000);
    expect(logged('config reloaded').at(-1)).toMatchObject({
      level: 'info',
      applied: ['http.accessControl'],
    });
  });

  it('keeps the previous policy when a new CEL expression does not compile, and logs the problem with its path', async () => {
    const broken = { ...canPush, conditions: [{ expression: 'req.user.username ==', message: 'x' }] };
    writeFileSync(configPath, configWith([broken]));
    await waitFor(() => logged('config reload rejected, keeping the previous config').length > 0);
    const [rejected] = logged('config reload rejected, keeping the previous config');
    expect(rejected).toMatchObject({ level: 'error', code: 'POLICY_INVALID', path: configPath });
    expect(rejected?.problems).toEqual([
      expect.objectContaining({
        path: 'http.accessControl.repositories["**"].policies[0].conditions[0].expression',
      }),
    ]);
    expect(await startUpload()).toBe(403); // still the read-only policy
    const read = await fetch(`${running.url}/v2/team/app/tags/list`, { headers: alice });
    expect(read.status).not.toBe(403);
  });

  it('keeps the previous config on a syntax error and on a schema error, one log line each', async () => {
    const before = logged('config reload rejected, keeping the previous config').length;
    writeFileSync(configPath, '{"http": {');
    await waitFor(() => logged('config reload rejected, keeping the previous config').length === before + 1);
    writeFileSync(configPath, configWith([{ users: ['alice'], actions: ['read', 'wrtie'] }]));
    await waitFor(() => logged('config reload rejected, keeping the previous config').length === before + 2);
    const [syntax, schema] = logged('config reload rejected, keeping the previous config').slice(before);
    expect(syntax?.code).toBe('CONFIG_SYNTAX');
    expect(schema?.code).toBe('CONFIG_INVALID');
    expect(JSON.stringify(schema?.problems)).toContain('policies[0].actions[1]');
    expect(await startUpload()).toBe(403);
  });

  it('logs settings that need a restart and ignores them, while applying the policy in the same change', async () => {
    writeFileSync(configPath, configWith([canPush], { port: 5999, realm: 'elsewhere' }));
    await waitFor(async () => (await startUpload()) === 202, 2000);
    const restart = logged('config change needs restart, ignored until then').at(-1);
    expect(restart).toMatchObject({ level: 'warn', settings: ['http.port', 'http.realm'] });
    // still served where it started, with the realm it started with
    const challenge = await fetch(`${running.url}/v2/`);
    expect(challenge.headers.get('www-authenticate')).not.toContain('elsewhere');
  });

  it('reloads on demand (SIGHUP in `zot serve`) and reports an unchanged file as unchanged', async () => {
    const outcome = await running.reloadConfig();
    expect(outcome).toEqual({ kind: 'applied', applied: [], needsRestart: ['http.port', 'http.realm'] });
    writeFileSync(configPath, configWith([canPush]));
    await waitFor(async () => (await running.reloadConfig()).kind === 'unchanged');
  });
});

// Issue 13 item 5: the policy of the zot v2.1.17 release announcement, pasted as written, through the real
// server and the real CLI: `zot verify` accepts it, members of group team-a push and pull on team-a/**, nobody
// else does (a 403 naming the policy), and `zot policy explain` names it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, get, htpasswdLines, pushImage } from './auth-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

/** The example exactly as the announcement prints it. */
const announcementPolicy = {
  name: 'team-push-access',
  condition: 'request.identity.groups.exists(g, g == request.repository.prefix)',
  actions: ['push', 'pull'],
};
const http = (htpasswd: string) => ({
  address: '127.0.0.1',
  port: 0,
  auth: { htpasswd: { path: htpasswd } },
  accessControl: {
    groups: { 'team-a': { users: ['alice'] }, 'team-b': { users: ['bob'] } },
    repositories: { 'team-a/**': { policies: [announcementPolicy] } },
  },
});
const as = (user: string) => ({ Authorization: basic(user, `${user}-pw`) });
const mainScript = resolve(import.meta.dirname, '../src/main.ts');

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
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

let directory: string;
let configPath: string;
let registry: TestRegistry;
beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'zot-announcement-'));
  const htpasswd = join(directory, 'htpasswd');
  writeFileSync(htpasswd, htpasswdLines({ alice: 'alice-pw', bob: 'bob-pw', carol: 'carol-pw' }));
  configPath = join(directory, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({ storage: { rootDirectory: join(directory, 'data') }, http: http(htpasswd) }),
  );
  registry = await startTestRegistry({ http: http(htpasswd) });
});
afterAll(async () => {
  await registry?.dispose();
  rmSync(directory, { recursive: true, force: true });
});

describe('the release announcement policy', () => {
  it('zot verify accepts the config', async () => {
    const result = await zot(['verify', configPath]);
    expect(result.code, result.stderr + result.stdout).toBe(0);
  }, 30_000);

  it('a member of team-a pushes, moves a tag and pulls on team-a/**', async () => {
    expect((await pushImage(registry.url, 'team-a/app', 'v1', as('alice'))).status).toBe(201);
    expect((await pushImage(registry.url, 'team-a/app', 'v1', as('alice'))).status).toBe(201);
    expect((await get(registry.url, '/v2/team-a/app/manifests/v1', as('alice'))).status).toBe(200);
  });

  it('push is not delete: the member may not delete', async () => {
    const answer = await get(registry.url, '/v2/team-a/app/manifests/v1', as('alice'), 'DELETE');
    expect(answer.status).toBe(403);
  });

  it('a member of another group, a user in no group and anonymous callers get nothing, with the policy named', async () => {
    for (const user of ['bob', 'carol']) {
      const push = await pushImage(registry.url, 'team-a/app', 'v2', as(user));
      expect(push.status, user).toBe(403);
      expect(push.body?.errors?.[0]?.detail?.reason).toBe(
        'the condition of policy "team-push-access" is not met',
      );
      const pull = await get(registry.url, '/v2/team-a/app/manifests/v1', as(user));
      expect(pull.status, user).toBe(403);
      expect(pull.json.errors?.[0]?.detail?.reason).toContain('team-push-access');
    }
    expect((await get(registry.url, '/v2/team-a/app/manifests/v1')).status).toBe(401);
    expect((await pushImage(registry.url, 'team-a/app', 'v3')).status).toBe(401);
  });

  it('grants nothing outside team-a/**, even to team-a members', async () => {
    expect((await pushImage(registry.url, 'team-b/app', 'v1', as('alice'))).status).toBe(403);
  });

  it('zot policy explain names the policy that decided', async () => {
    const allowed = await zot([
      'policy',
      'explain',
      '--config',
      configPath,
      '--user',
      'alice',
      '--groups',
      'team-a',
      '--action',
      'create',
      '--repo',
      'team-a/app',
      '--tag',
      'v1',
    ]);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain('"team-push-access"');
    const denied = await zot([
      'policy',
      'explain',
      '--config',
      configPath,
      '--user',
      'bob',
      '--action',
      'read',
      '--repo',
      'team-a/app',
    ]);
    expect(denied.code, denied.stderr).toBe(1);
    expect(denied.stdout).toContain('reason: the condition of policy "team-push-access" is not met');
  }, 30_000);
});

// Hostile input (issue 21.2, issue 13.4): taking access away must take it away. Removing a user from
// `accessControl.groups` revokes with the reload that swaps the policies (Basic, API keys and UI sessions alike,
// and after a restart too); deleting a user from htpasswd ends her API keys and her UI session at her next
// request, and the session cannot mint a new key.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@zot-ts/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRegistry, startRegistry } from '../src/index.js';
import { basic, get, htpasswdLines, pushImage } from './auth-fixtures.js';
import { createApiKey, UI, uiSession } from './hostile-input-fixtures.js';
import { waitFor } from './server-tls-certs.js';

const bob = { Authorization: basic('bob', 'bob-pw') };
const admin = { Authorization: basic('admin', 'admin-pw') };

let directory: string;
let configPath: string;
let htpasswdPath: string;
let running: RunningRegistry | undefined;

function writeConfig(devUsers: string[]): void {
  writeFileSync(
    configPath,
    JSON.stringify({
      storage: { rootDirectory: join(directory, 'data') },
      http: {
        address: '127.0.0.1',
        port: 5000,
        auth: { htpasswd: { path: htpasswdPath }, apikey: true },
        accessControl: {
          groups: { dev: { users: devUsers } },
          adminPolicy: { users: ['admin'], actions: ['read', 'create', 'update', 'delete'] },
          repositories: {
            'team/**': { policies: [{ groups: ['dev'], actions: ['read', 'create', 'update', 'delete'] }] },
          },
        },
      },
      log: { level: 'error' },
    }),
  );
}

async function start(): Promise<RunningRegistry> {
  running = await startRegistry({ config: await loadConfig(configPath), configPath, port: 0 });
  return running;
}

const tagsOf = (url: string, headers: Record<string, string>) => get(url, '/v2/team/app/tags/list', headers);

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'zot-revoke-'));
  htpasswdPath = join(directory, 'htpasswd');
  configPath = join(directory, 'config.json');
  writeFileSync(htpasswdPath, `${htpasswdLines({ admin: 'admin-pw', bob: 'bob-pw' })}\n`);
  writeConfig(['bob']);
});
afterAll(async () => {
  await running?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('removing a user from accessControl.groups (21.2, 13.4)', () => {
  it('revokes Basic, API-key and UI-session access with one reload, and the key stays revoked after a restart', async () => {
    let server = await start();
    expect((await pushImage(server.url, 'team/app', 'v1', admin)).status).toBe(201);
    const key = await createApiKey(server.url, bob, JSON.stringify({ label: 'ci' }));
    expect(key.status).toBe(201);
    const withKey = { Authorization: basic('bob', key.apiKey as string) };
    const session = { ...UI, Cookie: await uiSession(server.url, 'bob', 'bob-pw') };
    for (const headers of [bob, withKey, session])
      expect((await tagsOf(server.url, headers)).status).toBe(200);

    writeConfig([]);
    expect((await server.reloadConfig()).kind).toBe('applied');
    for (const headers of [bob, withKey, session])
      expect((await tagsOf(server.url, headers)).status).toBe(403);
    expect((await pushImage(server.url, 'team/app', 'v2', withKey)).status).toBe(403);

    await server.close();
    running = undefined;
    server = await start();
    expect((await tagsOf(server.url, withKey)).status).toBe(403);

    // and back: adding him again grants again, with the same reload
    writeConfig(['bob']);
    expect((await server.reloadConfig()).kind).toBe('applied');
    expect((await tagsOf(server.url, withKey)).status).toBe(200);
    await server.close();
    running = undefined;
  }, 60_000);
});

describe('deleting a user from htpasswd (21.2)', () => {
  it('ends her API keys and her UI session at the next request; the session cannot mint a key', async () => {
    writeConfig(['bob']);
    const server = await start();
    const key = await createApiKey(server.url, bob, JSON.stringify({ label: 'ci' }));
    expect(key.status).toBe(201);
    const withKey = { Authorization: basic('bob', key.apiKey as string) };
    const session = { ...UI, Cookie: await uiSession(server.url, 'bob', 'bob-pw') };
    expect((await tagsOf(server.url, withKey)).status).toBe(200);
    expect((await tagsOf(server.url, session)).status).toBe(200);

    // `htpasswd -D htpasswd bob`
    writeFileSync(htpasswdPath, `${htpasswdLines({ admin: 'admin-pw' })}\n`);
    await waitFor(async () => (await tagsOf(server.url, bob)).status === 401, 10_000);

    expect((await tagsOf(server.url, withKey)).status).toBe(401);
    expect((await tagsOf(server.url, session)).status).toBe(401);
    expect((await createApiKey(server.url, session, JSON.stringify({ label: 'escape' }))).status).toBe(401);

    // bob comes back with the same name: his old key and session are gone for good
    writeFileSync(htpasswdPath, `${htpasswdLines({ admin: 'admin-pw', bob: 'bob-pw' })}\n`);
    await waitFor(async () => (await tagsOf(server.url, bob)).status === 200, 10_000);
    expect((await tagsOf(server.url, withKey)).status).toBe(401);
    expect((await tagsOf(server.url, session)).status).toBe(401);
  }, 60_000);
});

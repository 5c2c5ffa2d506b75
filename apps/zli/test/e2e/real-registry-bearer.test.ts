// End-to-end: zli against the real registry with Docker token auth (`http.auth.bearer`) and a token server
// started here (@zot-ts/oci-client/testing) that signs RS256 tokens for alice. zli is given a user and password as always; the registry's
// Bearer challenge sends it (through @zot-ts/oci-client) to the token server for the scopes each request
// needs (`registry:catalog:*`, `repository:<name>:pull`), then back with the token.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@zot-ts/config';
import { createRegistryClient } from '@zot-ts/oci-client';
import { pushRandomImage, startTokenServer, type TokenServer } from '@zot-ts/oci-client/testing';
import { type RunningRegistry, startRegistry } from '@zot-ts/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runZli } from '../run-zli.js';

let tokens: TokenServer;
/** The scopes of each token handed out, space-separated (what zli alone asked for: cleared after the set-up). */
let tokenScopes: () => string[];
let running: RunningRegistry;
let dir: string;
let env: Record<string, string>;
let imageDigest = '';

const zli = (args: string[], user?: string) =>
  runZli([...args, '--config', 'tok', ...(user === undefined ? [] : ['--user', user])], env);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zli-bearer-'));
  tokens = await startTokenServer({
    alice: { password: 'alice-pw', actions: ['pull', 'push'], catalog: true },
  });
  const cert = join(dir, 'token.pem');
  tokens.writeCertificate(cert);
  const { realm, service } = tokens;
  const config = parseConfig({
    storage: { rootDirectory: join(dir, 'storage') },
    http: { address: '127.0.0.1', port: '0', auth: { bearer: { realm, service, cert } } },
    log: { level: 'error' },
  });
  running = await startRegistry({ config, port: 0 });
  const client = createRegistryClient({
    url: running.url,
    credentials: { username: 'alice', password: 'alice-pw' },
  });
  imageDigest = (await pushRandomImage(client, 'alpine', '3.20', { layers: 1, layerSize: 1024 })).digest;
  await pushRandomImage(client, 'team/app', '1.0', { layers: 1, layerSize: 512 });
  client.close();
  // what follows is asked by zli alone
  const asked = tokens.requests.length;
  tokenScopes = () =>
    tokens.requests
      .slice(asked)
      .filter((request) => request.status === 200)
      .map((request) => request.scopes.join(' '));
  const configPath = join(dir, 'zot');
  env = { ZLI_CONFIG: configPath };
  await writeFile(configPath, JSON.stringify({ configs: [{ _name: 'tok', url: running.url }] }));
}, 60_000);

afterAll(async () => {
  await running?.close();
  await tokens?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.concurrent('zli with Docker token auth', () => {
  it('repo list fetches a registry:catalog:* token with the user and password', async () => {
    const listed = await zli(['repo', 'list'], 'alice:alice-pw');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toBe('REPOSITORY NAME\nalpine\nteam/app\n');
    expect(tokenScopes()).toContain('registry:catalog:*');
  });

  it('image list and image name read manifests and configs with repository pull tokens', async () => {
    const images = JSON.parse((await zli(['image', 'list', '-f', 'json'], 'alice:alice-pw')).stdout) as Array<
      Record<string, unknown>
    >;
    expect(images.map((image) => [image.repository, image.tag, image.platforms])).toEqual([
      ['alpine', '3.20', ['linux/amd64']],
      ['team/app', '1.0', ['linux/amd64']],
    ]);
    const named = await zli(['image', 'name', 'alpine:3.20', '--verbose'], 'alice:alice-pw');
    expect(named.stdout).toMatch(new RegExp(`alpine\\s+3\\.20\\s+linux/amd64\\s+${imageDigest}\\s`));
    expect(tokenScopes()).toContain('repository:alpine:pull');
  });

  it('a password the token server refuses exits 3 with the credentials hint; none at all asks for --user', async () => {
    const wrong = await zli(['repo', 'list'], 'alice:nope');
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('unauthorised access');
    expect(wrong.stderr).toContain('the given credentials are invalid');
    const missing = await zli(['repo', 'list']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('add --user <user>:<password>');
    for (const result of [wrong, missing]) expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

// zot's detectManifestCollision (pkg/api/routes.go DeleteManifest, storage/common RemoveManifestDescByReference):
// a behaviour action. When the caller's policies grant it, a DELETE by a digest that several tags share is
// refused with 409 MANIFEST_INVALID instead of deleting every tag; admins and servers without access control
// never detect. Reproduces zot's blackbox test (anonymousPolicy with detectManifestCollision, tags 1.36 and latest).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { basic, get, htpasswdLines, pushImage } from './auth-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

const execFileAsync = promisify(execFile);
const registries: TestRegistry[] = [];
afterEach(async () => {
  for (const registry of registries.splice(0)) await registry.dispose();
});

async function start(config: Record<string, unknown>): Promise<TestRegistry> {
  const registry = await startTestRegistry(config);
  registries.push(registry);
  return registry;
}

/** Pushes one manifest as `1.36` and as `latest`; returns its digest. */
async function pushTwoTags(url: string, headers: Record<string, string> = {}): Promise<string> {
  const first = await pushImage(url, 'busybox', '1.36', headers);
  expect(first.status).toBe(201);
  const second = await pushImage(url, 'busybox', 'latest', headers);
  expect(second.status).toBe(201);
  expect(second.digest).toBe(first.digest);
  return first.digest;
}

const anonymous = (actions: string[]) => ({
  http: { accessControl: { repositories: { '**': { anonymousPolicy: actions } } } },
});

describe('DELETE of a manifest shared by several tags', () => {
  it('answers 409 MANIFEST_INVALID when anonymousPolicy grants detectManifestCollision, and keeps both tags', async () => {
    const registry = await start(anonymous(['read', 'create', 'delete', 'detectManifestCollision']));
    const digest = await pushTwoTags(registry.url);
    const answer = await get(registry.url, `/v2/busybox/manifests/${digest}`, {}, 'DELETE');
    expect(answer.status).toBe(409);
    expect(answer.json.errors?.[0]?.code).toBe('MANIFEST_INVALID');
    const tags = await get(registry.url, '/v2/busybox/tags/list');
    expect(tags.json.tags).toEqual(['1.36', 'latest']);
    // by tag there is no collision: one tag goes, the other stays
    expect((await get(registry.url, '/v2/busybox/manifests/1.36', {}, 'DELETE')).status).toBe(202);
    expect((await get(registry.url, '/v2/busybox/tags/list')).json.tags).toEqual(['latest']);
    // one entry left: the digest deletes now
    expect((await get(registry.url, `/v2/busybox/manifests/${digest}`, {}, 'DELETE')).status).toBe(202);
  });

  it('makes `skopeo delete` (which deletes by digest) fail with "manifest invalid", as zot\'s blackbox test expects', async () => {
    const registry = await start(anonymous(['read', 'create', 'delete', 'detectManifestCollision']));
    await pushTwoTags(registry.url);
    const target = `docker://${new URL(registry.url).host}/busybox:1.36`;
    // asynchronously: the server answers from this same process
    const run = await execFileAsync('skopeo', ['--insecure-policy', 'delete', '--tls-verify=false', target], {
      timeout: 30_000,
    }).then(
      () => ({ code: 0, output: '' }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code,
        output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
      }),
    );
    expect(run.code).toBe(1);
    expect(run.output).toContain('manifest invalid');
    expect((await get(registry.url, '/v2/busybox/tags/list')).json.tags).toEqual(['1.36', 'latest']);
  });

  it('deletes the manifest and every tag without the permission', async () => {
    const registry = await start(anonymous(['read', 'create', 'delete']));
    const digest = await pushTwoTags(registry.url);
    expect((await get(registry.url, `/v2/busybox/manifests/${digest}`, {}, 'DELETE')).status).toBe(202);
    expect((await get(registry.url, `/v2/busybox/manifests/${digest}`)).status).toBe(404);
  });

  it('never detects without access control (zot: no authz, no behaviour actions)', async () => {
    const registry = await start({});
    const digest = await pushTwoTags(registry.url);
    expect((await get(registry.url, `/v2/busybox/manifests/${digest}`, {}, 'DELETE')).status).toBe(202);
  });

  it('follows per-user policies, and never detects for an admin', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'zot-collision-'));
    onTestFinished(() => rmSync(directory, { recursive: true, force: true }));
    const htpasswd = join(directory, 'htpasswd');
    writeFileSync(htpasswd, `${htpasswdLines({ careful: 'pw1', plain: 'pw2', root: 'pw3' })}\n`);
    const actions = ['read', 'create', 'update', 'delete'];
    const secured = await start({
      http: {
        auth: { htpasswd: { path: htpasswd } },
        accessControl: {
          repositories: {
            '**': {
              policies: [
                { users: ['careful'], actions: [...actions, 'detectManifestCollision'] },
                { users: ['plain'], actions },
              ],
            },
          },
          adminPolicy: { users: ['root'], actions: [...actions, 'detectManifestCollision'] },
        },
      },
    });
    const as = (user: string, password: string) => ({ Authorization: basic(user, password) });
    const digest = await pushTwoTags(secured.url, as('careful', 'pw1'));
    const careful = await get(secured.url, `/v2/busybox/manifests/${digest}`, as('careful', 'pw1'), 'DELETE');
    expect(careful.status).toBe(409);
    expect(careful.json.errors?.[0]?.code).toBe('MANIFEST_INVALID');
    expect(
      (await get(secured.url, `/v2/busybox/manifests/${digest}`, as('root', 'pw3'), 'DELETE')).status,
    ).toBe(202);
    const again = await pushTwoTags(secured.url, as('plain', 'pw2'));
    expect(
      (await get(secured.url, `/v2/busybox/manifests/${again}`, as('plain', 'pw2'), 'DELETE')).status,
    ).toBe(202);
  });
});

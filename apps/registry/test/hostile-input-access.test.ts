// Hostile input (issue 21), per-repository access: the signatures endpoint decides with the full request as the
// manifest GET does (21.7: conditions on client address and TLS), beside refusals that always held: names with
// path tricks, another repository's upload session, a cross-repository mount from a repository the caller
// cannot read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, get, pushImage } from './auth-fixtures.js';
import { sha256, startTestRegistry, type TestRegistry } from './helpers.js';
import { htpasswdDirectory, rawRequest } from './hostile-input-fixtures.js';

const files = htpasswdDirectory({ alice: 'alice-pw', bob: 'bob-pw', admin: 'admin-pw' });
const alice = { Authorization: basic('alice', 'alice-pw') };
const bob = { Authorization: basic('bob', 'bob-pw') };
const admin = { Authorization: basic('admin', 'admin-pw') };
let registry: TestRegistry;
let toolDigest: string;

beforeAll(async () => {
  registry = await startTestRegistry({
    http: {
      auth: { htpasswd: { path: files.path } },
      accessControl: {
        adminPolicy: { users: ['admin'], actions: ['read', 'create', 'update', 'delete'] },
        repositories: {
          // internal tools: readable by alice only over TLS from the 10.x network (never true on loopback)
          'internal/**': {
            policies: [
              {
                users: ['alice'],
                actions: ['read'],
                conditions: [
                  { expression: 'req.tls.enabled', message: 'internal images need TLS' },
                  { expression: 'req.client.ip.startsWith("10.")', message: 'internal network only' },
                ],
              },
            ],
          },
          'alice/**': { policies: [{ users: ['alice'], actions: ['read', 'create', 'update', 'delete'] }] },
          'bob/**': { policies: [{ users: ['bob'], actions: ['read', 'create', 'update', 'delete'] }] },
        },
      },
    },
    extensions: { trust: { enable: true, cosign: true } },
  });
  const pushed = await pushImage(registry.url, 'internal/tool', 'v1', admin);
  expect(pushed.status).toBe(201);
  toolDigest = pushed.digest;
  expect((await pushImage(registry.url, 'alice/secret', 'v1', alice)).status).toBe(201);
});
afterAll(async () => {
  await registry?.dispose();
  files.remove();
});

describe('the signatures endpoint (21.7) decides as the manifest GET does', () => {
  it('answers 403 where the manifest GET is 403 because of a request condition', async () => {
    const manifest = await get(registry.url, `/v2/internal/tool/manifests/${toolDigest}`, alice);
    expect(manifest.status).toBe(403);
    const signatures = await get(registry.url, `/v2/_zot/ext/signatures/internal/tool/${toolDigest}`, alice);
    expect(signatures.status).toBe(403);
    expect(signatures.json.errors?.[0]?.code).toBe('DENIED');
    expect(signatures.json.errors?.[0]?.detail?.reason).toBe(manifest.json.errors?.[0]?.detail?.reason);
  });

  it('still answers who may read: the admin gets the results, an anonymous caller a challenge', async () => {
    expect(
      (await get(registry.url, `/v2/_zot/ext/signatures/internal/tool/${toolDigest}`, admin)).status,
    ).toBe(200);
    const anonymous = await get(registry.url, `/v2/_zot/ext/signatures/internal/tool/${toolDigest}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic realm=');
  });
});

describe('refusals that always held', () => {
  it('refuses repository names with path tricks (sent raw, not resolved by the client)', async () => {
    for (const path of [
      '/v2/bob/../alice/secret/manifests/v1',
      '/v2/bob/%2e%2e/alice/secret/manifests/v1',
      '/v2/bob%2f..%2falice/secret/manifests/v1',
      '/v2/bob/./../alice/secret/tags/list',
      '/v2/bob//../alice/secret/tags/list',
      '/v2/bob/app/../../alice/secret/blobs/uploads/',
    ]) {
      const method = path.endsWith('/uploads/') ? 'POST' : 'GET';
      const status = await rawRequest(registry.url, method, path, bob);
      expect([400, 403, 404], path).toContain(status);
    }
    // alice's image is there, and readable by her: the refusals above were about bob
    expect(await rawRequest(registry.url, 'GET', '/v2/alice/secret/manifests/v1', alice)).toBe(200);
  });

  it("refuses to write into another repository's upload session", async () => {
    const started = await fetch(`${registry.url}/v2/alice/secret/blobs/uploads/`, {
      method: 'POST',
      headers: alice,
    });
    expect(started.status).toBe(202);
    const uploadId = (started.headers.get('location') ?? '').split('/').pop()?.split('?')[0] ?? '';
    const content = 'bob was here';
    const hijack = await fetch(
      `${registry.url}/v2/bob/app/blobs/uploads/${uploadId}?digest=${sha256(content)}`,
      {
        method: 'PUT',
        headers: { ...bob, 'Content-Type': 'application/octet-stream' },
        body: content,
      },
    );
    await hijack.arrayBuffer();
    expect(hijack.status).toBe(404);
    const direct = await fetch(`${registry.url}/v2/alice/secret/blobs/uploads/${uploadId}`, {
      method: 'PATCH',
      headers: { ...bob, 'Content-Type': 'application/octet-stream' },
      body: content,
    });
    await direct.arrayBuffer();
    expect(direct.status).toBe(403);
  });

  it('does not mount a blob from a repository the caller cannot read', async () => {
    const layer = sha256('layer of alice/secret');
    const mount = await fetch(`${registry.url}/v2/bob/app/blobs/uploads/?mount=${layer}&from=alice/secret`, {
      method: 'POST',
      headers: bob,
    });
    await mount.arrayBuffer();
    expect(mount.status).toBe(202); // an ordinary upload session instead of a mount
    expect((await get(registry.url, `/v2/bob/app/blobs/${layer}`, bob, 'HEAD')).status).toBe(404);
  });
});

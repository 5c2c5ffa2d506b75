// Who may use the signature endpoints on a server with htpasswd and access control: only adminPolicy users
// add keys (zot's AuthzOnlyAdminsMiddleware: anonymous 401 with a challenge, others 403), and reading
// results needs a caller the registry lets read.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, startTestRegistry, type TestRegistry } from './helpers.js';
import { ociClient, type Pushed, p256KeyPair, pushImage } from './signatures-fixtures.js';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const admin = { Authorization: basic('alice', 'alice-secret') };
const developer = { Authorization: basic('bob', 'bob-secret') };
const outsider = { Authorization: basic('carol', 'carol-secret') };

/** bcrypt entries as `htpasswd -B` writes them (zot accepts bcrypt only). */
function htpasswdLine(user: string, password: string): string {
  return execFileSync('htpasswd', ['-nbB', '-C', '4', user, password], { encoding: 'utf8' }).trim();
}

let registry: TestRegistry;
let image: Pushed;
const passwords = join(process.env.TMPDIR ?? '/tmp', `zot-sig-htpasswd-${process.pid}`);

beforeAll(async () => {
  writeFileSync(
    passwords,
    `${htpasswdLine('alice', 'alice-secret')}\n${htpasswdLine('bob', 'bob-secret')}\n${htpasswdLine('carol', 'carol-secret')}\n`,
  );
  registry = await startTestRegistry({
    extensions: { trust: { enable: true, cosign: true } },
    http: {
      auth: { htpasswd: { path: passwords } },
      accessControl: {
        repositories: { '**': { policies: [{ users: ['alice', 'bob'], actions: ['read', 'create'] }] } },
        adminPolicy: { users: ['alice'], actions: ['read', 'create', 'update', 'delete'] },
      },
    },
  });
  image = await pushImage(ociClient(registry.url, developer), 'team/app', 'v1');
});

afterAll(async () => {
  await registry?.dispose();
  rmSync(passwords, { force: true });
});

describe('POST /v2/_zot/ext/cosign with access control', () => {
  const upload = (headers: Record<string, string>) =>
    fetch(`${registry.url}/v2/_zot/ext/cosign`, {
      method: 'POST',
      body: p256KeyPair().publicKeyPem,
      headers,
    });

  it('answers an anonymous caller 401 with a challenge', async () => {
    const response = await upload({});
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect(await errorCode(response)).toBe('UNAUTHORIZED');
  });

  it('answers an authenticated user outside adminPolicy 403 DENIED', async () => {
    const response = await upload(developer);
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('DENIED');
  });

  it('answers wrong credentials 401', async () => {
    expect((await upload({ Authorization: basic('alice', 'wrong') })).status).toBe(401);
  });

  it('stores the key of an adminPolicy user', async () => {
    expect((await upload(admin)).status).toBe(200);
  });
});

describe('GET /v2/_zot/ext/signatures with access control', () => {
  const read = (headers: Record<string, string>) =>
    fetch(`${registry.url}/v2/_zot/ext/signatures/team/app/${image.digest}`, { headers });

  it('answers an anonymous caller 401', async () => {
    const response = await read({});
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  });

  it('serves a user who may read the repository', async () => {
    const response = await read(developer);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ digest: image.digest, signed: false });
  });

  it('answers 403 to an authenticated user the policies do not let read the repository', async () => {
    const response = await read(outsider);
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('DENIED');
  });
});

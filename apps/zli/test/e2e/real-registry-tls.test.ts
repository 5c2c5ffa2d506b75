// End-to-end: zli against the real registry over HTTPS (a CA made with openssl for the test) with htpasswd
// logins. Every request goes through @zot-ts/oci-client: the profile's `verify-tls` decides whether the
// self-signed certificate is refused (exit 4 and the verify-tls hint) or accepted; with the CA in
// NODE_EXTRA_CA_CERTS the certificate is verified; --debug prints each exchange on stderr.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@zot-ts/config';
import { createRegistryClient } from '@zot-ts/oci-client';
import { makeTestCa, pushRandomImage, type TestCa } from '@zot-ts/oci-client/testing';
import { type RunningRegistry, startRegistry } from '@zot-ts/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runZli } from '../run-zli.js';

const COSIGN_SIG = 'application/vnd.dev.cosign.artifact.sig.v1+json';
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

let running: RunningRegistry;
let dir: string;
let ca: TestCa;
let env: Record<string, string>;
let port = '';
let imageDigest = '';
let signatureDigest = '';

const zli = (args: string[], extraEnv: Record<string, string> = {}) => runZli(args, { ...env, ...extraEnv });

/** A cosign-style signature referrer of `subject`, pushed through the OCI client. */
async function pushReferrer(
  client: ReturnType<typeof createRegistryClient>,
  subject: { digest: string; size: number },
) {
  const empty = Buffer.from('{}');
  const payload = Buffer.from('{"critical":{}}');
  for (const blob of [empty, payload])
    await client.pushBlob('alpine', { digest: sha256(blob), size: blob.length, open: () => blob });
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: COSIGN_SIG,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(empty), size: empty.length },
      layers: [{ mediaType: COSIGN_SIG, digest: sha256(payload), size: payload.length }],
      subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...subject },
    }),
  );
  return client.putManifest(
    'alpine',
    sha256(manifest),
    'application/vnd.oci.image.manifest.v1+json',
    manifest,
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zli-tls-'));
  ca = makeTestCa(dir);
  const htpasswd = join(dir, 'htpasswd');
  const line = execFileSync('htpasswd', ['-Bbn', '-C', '4', 'alice', 'alice-pw'], {
    encoding: 'utf8',
  }).trim();
  await writeFile(htpasswd, `${line}\n`);
  const config = parseConfig({
    storage: { rootDirectory: join(dir, 'storage') },
    http: {
      address: '127.0.0.1',
      port: '0',
      tls: { cert: ca.serverCert, key: ca.serverKey },
      auth: { htpasswd: { path: htpasswd } },
      accessControl: {
        repositories: { '**': { policies: [{ users: ['alice'], actions: ['read', 'create'] }] } },
      },
    },
    log: { level: 'error' },
  });
  running = await startRegistry({ config, port: 0 });
  port = new URL(running.url).port;
  const client = createRegistryClient({
    url: running.url,
    credentials: { username: 'alice', password: 'alice-pw' },
    tls: { certDir: ca.certDir },
  });
  const image = await pushRandomImage(client, 'alpine', '3.20', { layers: 1, layerSize: 2048 });
  imageDigest = image.digest;
  signatureDigest = await pushReferrer(client, { digest: image.digest, size: image.manifest.length });
  await pushRandomImage(client, 'team/app', '1.0', { layers: 1, layerSize: 512 });
  client.close();
  const configPath = join(dir, 'zot');
  env = { ZLI_CONFIG: configPath };
  await writeFile(
    configPath,
    JSON.stringify({
      configs: [
        { _name: 'strict', url: running.url },
        { _name: 'lax', url: running.url, 'verify-tls': false },
      ],
    }),
  );
}, 60_000);

afterAll(async () => {
  await running?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.concurrent('zli over TLS with htpasswd', () => {
  it('refuses the unknown certificate with verify-tls on: exit 4 and the verify-tls hint', async () => {
    const refused = await zli(['repo', 'list', '--config', 'strict', '--user', 'alice:alice-pw']);
    expect(refused.code).toBe(4);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`TLS handshake with 127.0.0.1:${port} failed`);
    expect(refused.stderr).toContain('zli config set <name> verify-tls');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    const status = JSON.parse((await zli(['status', '--config', 'strict', '-f', 'json'])).stdout);
    expect(status).toMatchObject({ status: 'offline', error: expect.stringContaining('TLS handshake') });
  });

  it('verifies the certificate against a CA the user trusts (NODE_EXTRA_CA_CERTS)', async () => {
    const trusted = await zli(['repo', 'list', '--config', 'strict', '--user', 'alice:alice-pw'], {
      NODE_EXTRA_CA_CERTS: ca.caCert,
    });
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(trusted.stdout).toBe('REPOSITORY NAME\nalpine\nteam/app\n');
  });

  it('with verify-tls false: status, repo list, image list and image name as alice', async () => {
    const status = await zli(['status', '--config', 'lax', '--user', 'alice:alice-pw']);
    expect(status.stdout).toMatch(/^Server Status: online\n[\s\S]*Authentication: htpasswd\n$/);
    const repos = JSON.parse(
      (await zli(['repo', 'list', '--config', 'lax', '-u', 'alice:alice-pw', '-f', 'json'])).stdout,
    );
    expect(repos).toEqual({ repositories: ['alpine', 'team/app'] });
    const images = JSON.parse(
      (await zli(['image', 'list', '--config', 'lax', '-u', 'alice:alice-pw', '-f', 'json'])).stdout,
    ) as Array<Record<string, unknown>>;
    expect(images.map((image) => [image.repository, image.tag, image.signed])).toEqual([
      ['alpine', '3.20', true],
      ['team/app', '1.0', false],
    ]);
    expect(images[0]).toMatchObject({ digest: imageDigest, platforms: ['linux/amd64'] });
    const named = await zli([
      'image',
      'name',
      'alpine:3.20',
      '--config',
      'lax',
      '-u',
      'alice:alice-pw',
      '--verbose',
    ]);
    expect(named.stdout).toMatch(new RegExp(`alpine\\s+3\\.20\\s+linux/amd64\\s+${imageDigest}\\s+true\\s`));
  });

  it('with verify-tls false: search subject lists the signature referrer', async () => {
    const json = JSON.parse(
      (
        await zli([
          'search',
          'subject',
          `alpine@${imageDigest}`,
          '--config',
          'lax',
          '-u',
          'alice:alice-pw',
          '-f',
          'json',
        ])
      ).stdout,
    );
    expect(json).toEqual([
      expect.objectContaining({ subject: imageDigest, digest: signatureDigest, artifactType: COSIGN_SIG }),
    ]);
  });

  it('refuses a wrong password over TLS with exit 3, and --debug shows each exchange', async () => {
    const wrong = await zli(['image', 'list', '--config', 'lax', '-u', 'alice:nope']);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('the given credentials are invalid');
    const debug = await zli(['repo', 'list', '--config', 'lax', '-u', 'alice:alice-pw', '--debug']);
    expect(debug.code).toBe(0);
    expect(debug.stderr).toContain(`[debug] > GET https://127.0.0.1:${port}/v2/_catalog?n=100`);
    expect(debug.stderr).toMatch(
      new RegExp(`\\[debug\\] < 200 GET https://127\\.0\\.0\\.1:${port}/v2/_catalog\\?n=100 \\(\\d+ ms\\)`),
    );
  });
});

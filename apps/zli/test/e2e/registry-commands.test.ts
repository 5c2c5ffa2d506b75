// End-to-end: zli's registry commands run as the real binary against an in-test registry (test/fake-registry.ts):
// every command in every format, pagination, basic auth and the error paths.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { FakeRegistry } from '../fake-registry.js';
import { runZli } from '../run-zli.js';

const registry = new FakeRegistry({ mgmt: true, maxPage: 2 });
const secured = new FakeRegistry({ credentials: 'alice:s3cret', mgmt: true });
let dir: string;
let env: Record<string, string>;
let signedDigest = '';
let indexDigest = '';

beforeAll(async () => {
  signedDigest = registry.addImage('alpine', '3.20', {
    layerBytes: [2000, 500],
    created: '2024-06-01T08:00:00Z',
  }).digest;
  registry.addSignature('alpine', {
    digest: signedDigest,
    size: 0,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
  });
  registry.addImage('alpine', '3.19', { created: '2023-12-01T08:00:00Z' });
  registry.addImage('alpine', 'edge');
  indexDigest = registry.addIndex('team/app', '1.0', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', created: '2024-07-01T00:00:00Z' },
  ]).digest;
  registry.addImage('busybox', 'latest');
  secured.addImage('private', 'v1');
  await Promise.all([registry.start(), secured.start()]);
  dir = await mkdtemp(join(tmpdir(), 'zli-registry-'));
  env = { ZLI_CONFIG: join(dir, 'zot') };
  await writeFile(
    env.ZLI_CONFIG as string,
    JSON.stringify({
      configs: [
        { _name: 'main', url: registry.url, showspinner: true },
        { _name: 'sec', url: secured.url },
      ],
    }),
  );
});

afterAll(async () => {
  await Promise.all([registry.stop(), secured.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe.concurrent('zli over a registry', () => {
  it('status reports online, version and auth methods in text, json and yaml', async () => {
    const text = await runZli(['status', '--config', 'main'], env);
    expect(text.stdout).toBe(
      'Server Status: online\nServer Version: v2.1.17\nDist Spec Version: 1.1.1\nBuilt with: mgmt, search\nAuthentication: none\n',
    );
    const json = JSON.parse(
      (await runZli(['status', '--config', 'sec', '--user', 'alice:s3cret', '-f', 'json'], env)).stdout,
    );
    expect(json).toMatchObject({
      status: 'online',
      releaseTag: 'v2.1.17',
      authMethods: ['apikey', 'htpasswd'],
    });
    const yaml = parseYaml((await runZli(['status', '--url', registry.url, '-f', 'yaml'], env)).stdout);
    expect(yaml.status).toBe('online');
  });

  it('status says unknown without credentials and offline when nothing listens', async () => {
    const noCredentials = await runZli(['status', '--config', 'sec'], env);
    expect(noCredentials.stdout).toContain('Server Status: unknown');
    expect(noCredentials.stdout).toContain("add the flag '--user <user>:<password>'");
    const offline = await runZli(['status', '--url', 'http://127.0.0.1:1', '-f', 'json'], env);
    expect(JSON.parse(offline.stdout)).toMatchObject({ status: 'offline' });
  });

  it('repo list pages through the catalog', async () => {
    const text = await runZli(['repo', 'list', '--config', 'main'], env);
    expect(text.stdout).toBe('REPOSITORY NAME\nalpine\nbusybox\nteam/app\n');
    const json = JSON.parse(
      (await runZli(['repo', 'list', '--config', 'main', '--format', 'json', '--debug'], env)).stdout,
    );
    expect(json).toEqual({ repositories: ['alpine', 'busybox', 'team/app'] });
  });

  it('image list shows tag, platform, short digest, signed, size and last update, hiding signature manifests', async () => {
    const text = await runZli(['image', 'list', '--config', 'main', '--repo', 'alpine'], env);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^REPOSITORY\s+TAG\s+OS\/ARCH\s+DIGEST\s+SIGNED\s+SIZE\s+LAST UPDATED$/);
    expect(lines).toHaveLength(4);
    const signedRow = lines.find((line) => line.includes(' 3.20 '));
    expect(signedRow).toMatch(
      new RegExp(
        `alpine\\s+3\\.20\\s+linux/amd64\\s+${signedDigest.slice(7, 15)}\\s+true\\s+3\\.\\d+kB\\s+2024-06-01 08:00:00`,
      ),
    );
    expect(lines.find((line) => line.includes(' 3.19 '))).toMatch(/\sfalse\s/);
  });

  it('image list in json covers every repository and sums a multi-platform index', async () => {
    const images = JSON.parse(
      (await runZli(['image', 'list', '--config', 'main', '-f', 'json'], env)).stdout,
    ) as Array<Record<string, unknown>>;
    expect(images.map((image) => `${image.repository}:${image.tag}`)).toEqual([
      'alpine:3.19',
      'alpine:3.20',
      'alpine:edge',
      'busybox:latest',
      'team/app:1.0',
    ]);
    const app = images.find((image) => image.repository === 'team/app');
    expect(app).toMatchObject({
      digest: indexDigest,
      platforms: ['linux/amd64', 'linux/arm64'],
      lastUpdated: '2024-07-01T00:00:00Z',
      signed: false,
    });
    expect(app?.manifests).toHaveLength(2);
  });

  it('image name shows one image, in yaml too', async () => {
    const yaml = parseYaml(
      (await runZli(['image', 'name', 'alpine:3.20', '--config', 'main', '-f', 'yaml'], env)).stdout,
    );
    expect(yaml).toEqual([
      expect.objectContaining({ repository: 'alpine', tag: '3.20', digest: signedDigest, signed: true }),
    ]);
    const missing = await runZli(['image', 'name', 'alpine:nope', '--config', 'main'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('MANIFEST_UNKNOWN');
  });

  it('image digest finds images by a digest prefix, in text with --verbose full digests', async () => {
    const text = await runZli(
      ['image', 'digest', signedDigest.slice(7, 19), '--config', 'main', '--verbose'],
      env,
    );
    expect(text.stdout).toContain(signedDigest);
    expect(text.stdout).toContain('alpine');
    expect(text.stdout.trimEnd().split('\n')).toHaveLength(2);
  });

  it('search subject lists the referrers of an image by tag or digest', async () => {
    const text = await runZli(['search', 'subject', 'alpine:3.20', '--config', 'main'], env);
    expect(text.stdout).toMatch(
      /^ARTIFACT TYPE\s+SIZE\s+DIGEST\napplication\/vnd\.dev\.cosign\.artifact\.sig\.v1\+json\s+\S+\s+[0-9a-f]{8}\n$/,
    );
    const json = JSON.parse(
      (await runZli(['search', 'subject', `alpine@${signedDigest}`, '--config', 'main', '-f', 'json'], env))
        .stdout,
    );
    expect(json).toEqual([
      expect.objectContaining({
        subject: signedDigest,
        artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      }),
    ]);
  });

  it('sends basic auth from --user and explains a 401 with an exit code and a hint', async () => {
    const ok = await runZli(['repo', 'list', '--config', 'sec', '--user', 'alice:s3cret'], env);
    expect(ok.stdout).toContain('private');
    const refused = await runZli(['repo', 'list', '--config', 'sec'], env);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('unauthorised access');
    expect(refused.stderr).toContain('--user <user>:<password>');
    const wrong = await runZli(['image', 'list', '--config', 'sec', '--user', 'alice:nope'], env);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('given credentials are invalid');
  });

  it('fails cleanly without a URL, with an unknown profile, and when unreachable', async () => {
    const noUrl = await runZli(['repo', 'list'], env);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('no URL provided');
    const ghost = await runZli(['repo', 'list', '--config', 'ghost'], env);
    expect(ghost.stderr).toContain('config with the given name does not exist: "ghost"');
    const down = await runZli(['image', 'list', '--url', 'http://127.0.0.1:1'], env);
    expect(down.code).toBe(4);
    expect(down.stderr).toContain('cannot reach http://127.0.0.1:1');
    for (const result of [noUrl, ghost, down]) expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

// End-to-end: zli against the real registry (apps/registry's startRegistry), with images pushed over HTTP.
// No authentication and no trust extension: signed comes from tags and referrers alone (no TRUSTED column).

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@zot-ts/config';
import { type RunningRegistry, startRegistry } from '@zot-ts/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushImage, pushSignature } from '../push-image.js';
import { runZli } from '../run-zli.js';

let running: RunningRegistry;
let dir: string;
let env: Record<string, string>;
let signedDigest = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zli-real-'));
  const config = parseConfig({
    storage: { rootDirectory: join(dir, 'storage') },
    http: { address: '127.0.0.1', port: '0' },
    log: { level: 'error' },
  });
  running = await startRegistry({ config, port: 0 });
  const signed = await pushImage(running.url, 'alpine', '3.20');
  signedDigest = signed.digest;
  await pushSignature(running.url, 'alpine', signed);
  await pushImage(running.url, 'alpine', '3.19', 'arm64');
  await pushImage(running.url, 'team/app', '1.0');
  env = { ZLI_CONFIG: join(dir, 'zot') };
  await writeFile(
    env.ZLI_CONFIG as string,
    JSON.stringify({ configs: [{ _name: 'local', url: running.url }] }),
  );
});

afterAll(async () => {
  await running?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.concurrent('zli against the real registry', () => {
  it('status says the registry is online', async () => {
    const result = await runZli(['status', '--config', 'local'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Server Status: online');
  });

  it('repo list and image list show what was pushed', async () => {
    expect(
      JSON.parse((await runZli(['repo', 'list', '--config', 'local', '-f', 'json'], env)).stdout),
    ).toEqual({ repositories: ['alpine', 'team/app'] });
    const images = JSON.parse(
      (await runZli(['image', 'list', '--config', 'local', '-f', 'json'], env)).stdout,
    ) as Array<Record<string, unknown>>;
    expect(
      images.map((image) => [`${image.repository}:${image.tag}`, image.platforms, image.signed]),
    ).toEqual([
      ['alpine:3.19', ['linux/arm64'], false],
      ['alpine:3.20', ['linux/amd64'], true],
      ['team/app:1.0', ['linux/amd64'], false],
    ]);
  });

  it('falls back to "signed" without a TRUSTED column when the registry does not verify signatures', async () => {
    const text = await runZli(['image', 'list', '--config', 'local'], env);
    expect(text.stdout.split('\n')[0]).toMatch(
      /^REPOSITORY\s+TAG\s+OS\/ARCH\s+DIGEST\s+SIGNED\s+SIZE\s+LAST UPDATED$/,
    );
    const json = JSON.parse(
      (await runZli(['image', 'name', 'alpine:3.20', '--config', 'local', '-f', 'json'], env)).stdout,
    );
    expect(json).toEqual([expect.objectContaining({ signed: true })]);
    expect(json[0]).not.toHaveProperty('trusted');
    const referrers = await runZli(['search', 'subject', 'alpine:3.20', '--config', 'local'], env);
    expect(referrers.stdout.split('\n')[0]).toMatch(/^ARTIFACT TYPE\s+SIZE\s+DIGEST$/);
  });

  it('image name, image digest and search subject find the signed image and its signature', async () => {
    const byName = await runZli(['image', 'name', 'alpine:3.20', '--config', 'local'], env);
    expect(byName.stdout).toMatch(
      new RegExp(`alpine\\s+3\\.20\\s+linux/amd64\\s+${signedDigest.slice(7, 15)}\\s+true`),
    );
    const byDigest = JSON.parse(
      (await runZli(['image', 'digest', signedDigest, '--config', 'local', '-f', 'json'], env)).stdout,
    );
    expect(byDigest).toEqual([expect.objectContaining({ repository: 'alpine', tag: '3.20' })]);
    const referrers = JSON.parse(
      (await runZli(['search', 'subject', 'alpine:3.20', '--config', 'local', '-f', 'json'], env)).stdout,
    );
    expect(referrers).toEqual([
      expect.objectContaining({
        artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
        subject: signedDigest,
      }),
    ]);
  });
});

// Issue 22: storage.maxRepos through the real server, as zot v2.1.17 (pkg/api/quota.go): the manifest PUT that
// would create one repository too many gets 429 TOOMANYREQUESTS with detail.limit, and a warning log line;
// existing repositories keep taking pushes; the count survives a restart and drops when a repository's last
// manifest is deleted; two pushes racing for the last slot cannot both win; skopeo sees the refusal.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ociManifestType } from './conformance-fixtures.js';
import { gcImage, layerOf, logLines, pushImage } from './gc-fixtures.js';
import { sha256, startTestRegistry, type TestRegistry } from './helpers.js';

const run = promisify(execFile);
const hasTools = existsSync('/usr/bin/skopeo') && existsSync('/usr/bin/umoci');
const hasPodman = hasTools && existsSync('/usr/bin/podman');

async function putManifest(base: string, repository: string, manifest: string, tag: string) {
  return fetch(`${base}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    body: manifest,
    headers: { 'Content-Type': ociManifestType },
  });
}

/** Uploads the image's blobs, then answers the manifest PUT as it came (pushImage expects a 201). */
async function pushExpectingRefusal(base: string, repository: string, seed: string) {
  const image = gcImage(seed, [layerOf(seed)]);
  for (const blob of [image.config, ...image.layers]) {
    const upload = await fetch(`${base}/v2/${repository}/blobs/uploads/?digest=${sha256(blob)}`, {
      method: 'POST',
      body: blob,
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    // zot refuses only the manifest: blob uploads to a new name go through
    expect(upload.status).toBe(201);
  }
  return putManifest(base, repository, image.manifest, 'v1');
}

describe('storage.maxRepos', () => {
  let workDirectory: string;
  let registry: TestRegistry | undefined;
  beforeAll(() => {
    workDirectory = mkdtempSync(join(tmpdir(), 'zot-quota-'));
  });
  afterAll(() => rmSync(workDirectory, { recursive: true, force: true }));
  afterEach(async () => {
    await registry?.close();
    registry = undefined;
  });

  function start(name: string, maxRepos: number, logOutput?: string) {
    return startTestRegistry({
      storage: { rootDirectory: join(workDirectory, name), maxRepos },
      log: logOutput === undefined ? { level: 'error' } : { level: 'info', output: logOutput },
    });
  }

  it('refuses the manifest that would create one repository too many with 429 and logs it; existing ones keep working', async () => {
    const logPath = join(workDirectory, 'limit.log');
    registry = await start('limit', 2, logPath);
    await pushImage(registry.url, 'team/a', gcImage('a'), 'v1');
    await pushImage(registry.url, 'team/b', gcImage('b'), 'v1');
    const refused = await pushExpectingRefusal(registry.url, 'team/c', 'c');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      errors: [{ code: 'TOOMANYREQUESTS', message: 'too many requests', detail: { limit: '2' } }],
    });
    // nothing was created: the name has no manifest and is no repository in the tags list
    expect((await fetch(`${registry.url}/v2/team/c/manifests/v1`)).status).toBe(404);
    // an existing repository takes new tags and images
    await pushImage(registry.url, 'team/a', gcImage('a2'), 'v2');
    await pushImage(registry.url, 'team/b', gcImage('b'), 'again');
    await registry.close();
    registry = undefined;
    const lines = logLines(logPath);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'repository quota enforcement enabled',
        maxRepos: 2,
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'repository quota limit reached, rejecting push',
        repo: 'team/c',
        current: 2,
        limit: 2,
      }),
    );
  });

  it('counts the repositories on disk after a restart, and frees a slot when a repository loses its last manifest', async () => {
    registry = await start('restart', 1);
    const image = gcImage('only');
    await pushImage(registry.url, 'only', image, 'v1');
    await registry.close();

    registry = await start('restart', 1);
    expect((await pushExpectingRefusal(registry.url, 'second', 'second')).status).toBe(429);
    const deleted = await fetch(`${registry.url}/v2/only/manifests/${image.digest}`, { method: 'DELETE' });
    expect(deleted.status).toBe(202);
    await pushImage(registry.url, 'second', gcImage('second'), 'v1');
    // and now `only` would be the new one
    expect((await pushExpectingRefusal(registry.url, 'only', 'only-again')).status).toBe(429);
  });

  it('lets exactly one of two pushes racing for the last slot create its repository', async () => {
    registry = await start('race', 1);
    const base = registry.url;
    const images = ['left', 'right'].map((seed) => ({ seed, image: gcImage(seed) }));
    for (const { seed, image } of images) {
      for (const blob of [image.config, ...image.layers]) {
        const upload = await fetch(`${base}/v2/${seed}/blobs/uploads/?digest=${sha256(blob)}`, {
          method: 'POST',
          body: blob,
          headers: { 'Content-Type': 'application/octet-stream' },
        });
        expect(upload.status).toBe(201);
      }
    }
    const statuses = await Promise.all(
      images.map(({ seed, image }) => putManifest(base, seed, image.manifest, 'v1').then((r) => r.status)),
    );
    expect(statuses.sort()).toEqual([201, 429]);
  });

  it.skipIf(!hasTools)(
    'makes skopeo fail to push into a new repository beyond the limit, and lets it push into an existing one',
    async () => {
      registry = await start('skopeo', 1);
      const layout = join(workDirectory, 'layout');
      await run('umoci', ['init', '--layout', layout]);
      await run('umoci', ['new', '--image', `${layout}:latest`]);
      const host = new URL(registry.url).host;
      const copy = (target: string) =>
        run(
          'skopeo',
          ['copy', '--dest-tls-verify=false', `oci:${layout}:latest`, `docker://${host}/${target}`],
          {
            timeout: 60_000,
          },
        );
      await copy('first/app:v1');
      await copy('first/app:v2');
      await expect(copy('second/app:v1')).rejects.toThrow(/too many requests|429/i);
    },
    90_000,
  );

  it.skipIf(!hasPodman)(
    'makes podman push fail into a new repository beyond the limit, and succeed into an existing one',
    async () => {
      registry = await start('podman', 1);
      const layout = join(workDirectory, 'podman-layout');
      await run('umoci', ['init', '--layout', layout]);
      await run('umoci', ['new', '--image', `${layout}:latest`]);
      const storage = join(workDirectory, 'podman-storage');
      const podman = (...args: string[]) =>
        run(
          'podman',
          [
            '--root',
            join(storage, 'root'),
            '--runroot',
            join(storage, 'run'),
            '--storage-driver',
            'vfs',
            ...args,
          ],
          { timeout: 60_000 },
        );
      const host = new URL(registry.url).host;
      // the temporary directory's name has capitals, which podman refuses as an oci: reference: go through skopeo
      await run('skopeo', [
        'copy',
        '--dest-tls-verify=false',
        `oci:${layout}:latest`,
        `docker://${host}/first/podman:v1`,
      ]);
      await podman('pull', '--tls-verify=false', `${host}/first/podman:v1`);
      const imageId = `${host}/first/podman:v1`;
      await podman('push', '--tls-verify=false', imageId, `docker://${host}/first/podman:v2`);
      await expect(
        podman('push', '--tls-verify=false', imageId, `docker://${host}/second/podman:v1`),
      ).rejects.toThrow(/too many requests|429/i);
    },
    120_000,
  );
});

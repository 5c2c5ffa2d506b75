// Issue 20 item 3: a policy condition's message reaches real clients. skopeo (like podman) prints the error's
// `message` only, so the reason is in `message` as well as in `detail.reason`.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, htpasswdLines } from './auth-fixtures.js';
import { sha256, startTestRegistry, type TestRegistry } from './helpers.js';

const run = promisify(execFile);
const reason = 'pushes are frozen for the release';

/** A one-layer OCI image layout on disk, tagged `v1`, for `skopeo copy oci:<dir>:v1 ...`. */
function writeImageLayout(directory: string): void {
  const blobs = join(directory, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (content: string) => {
    writeFileSync(join(blobs, sha256(content).slice('sha256:'.length)), content);
    return { digest: sha256(content), size: Buffer.byteLength(content) };
  };
  const config = put(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
  );
  const layer = put('not really a tar, skopeo does not look');
  const manifest = put(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
    }),
  );
  writeFileSync(join(directory, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(directory, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'org.opencontainers.image.ref.name': 'v1' },
        },
      ],
    }),
  );
}

describe('deny reasons', () => {
  let registry: TestRegistry;
  let directory: string;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'zot-deny-'));
    writeFileSync(join(directory, 'htpasswd'), htpasswdLines({ alice: 'alice-pw' }));
    writeImageLayout(join(directory, 'image'));
    registry = await startTestRegistry({
      http: {
        auth: { htpasswd: { path: join(directory, 'htpasswd') } },
        accessControl: {
          repositories: {
            'frozen/**': {
              policies: [
                { users: ['alice'], actions: ['read'] },
                {
                  users: ['alice'],
                  actions: ['create', 'update'],
                  conditions: [{ expression: 'false', message: reason }],
                },
              ],
            },
          },
        },
      },
    });
  });
  afterAll(async () => {
    await registry?.dispose();
    rmSync(directory, { recursive: true, force: true });
  });

  it('are in message and detail.reason of the 403', async () => {
    const response = await fetch(`${registry.url}/v2/frozen/app/blobs/uploads/`, {
      method: 'POST',
      headers: { Authorization: basic('alice', 'alice-pw') },
    });
    expect(response.status).toBe(403);
    const body = (await response.json()) as {
      errors: Array<{ code: string; message: string; detail: { reason: string } }>;
    };
    expect(body.errors[0]).toEqual({
      code: 'DENIED',
      message: `requested access to the resource is denied: ${reason}`,
      detail: { reason },
    });
  });

  it('are printed by skopeo when a push is refused', async () => {
    const target = `docker://${new URL(registry.url).host}/frozen/app:v1`;
    const failure = await run('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      '--dest-creds',
      'alice:alice-pw',
      `oci:${join(directory, 'image')}:v1`,
      target,
    ]).then(
      () => undefined,
      (error: { stderr: string }) => error,
    );
    expect(failure?.stderr).toContain(reason);
  }, 60_000);
});

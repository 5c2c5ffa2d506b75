// Issue 20 item 3: a policy condition's message reaches real clients. skopeo (like podman) prints the error's
// `message` only, so the reason is in `message` as well as in `detail.reason`.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, htpasswdLines } from './auth-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';
import { writeImageLayout } from './oci-layout-fixture.js';

const run = promisify(execFile);
const reason = 'pushes are frozen for the release';

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

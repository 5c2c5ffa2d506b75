// extensions.lint through the real server, as zot's linter decides: an OCI image manifest must carry every
// mandatory annotation in its annotations or its config's labels; indexes and signatures are not linted.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type HttpReceiver, httpReceiver } from '@zot-ts/events/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRegistry, type TestRegistry } from './helpers.js';
import { OCI_MANIFEST, type OciClient, ociClient } from './signatures-fixtures.js';

const run = (command: string, args: string[]) => promisify(execFile)(command, args, { timeout: 60_000 });
const TITLE = 'org.opencontainers.image.title';
const VENDOR = 'org.opencontainers.image.vendor';

let registry: TestRegistry;
let receiver: HttpReceiver;
let client: OciClient;

beforeAll(async () => {
  receiver = await httpReceiver();
  registry = await startTestRegistry({
    extensions: {
      lint: { enable: true, mandatoryAnnotations: [TITLE, VENDOR] },
      events: { enable: true, sinks: [{ type: 'http', address: receiver.url }] },
    },
  });
  client = ociClient(registry.url);
});

afterAll(async () => {
  await registry?.dispose();
  await receiver?.close();
});

async function imageManifest(repository: string, annotations?: object, labels?: object) {
  const config = await client.descriptor(
    repository,
    JSON.stringify({ architecture: 'amd64', os: 'linux', config: labels ? { Labels: labels } : {} }),
    'application/vnd.oci.image.config.v1+json',
  );
  const layer = await client.descriptor(
    repository,
    `layer ${Math.random()}`,
    'application/vnd.oci.image.layer.v1.tar',
  );
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config,
    layers: [layer],
    ...(annotations ? { annotations } : {}),
  };
}

const put = (repository: string, reference: string, manifest: object, mediaType = OCI_MANIFEST) =>
  fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    body: JSON.stringify(manifest),
    headers: { 'Content-Type': mediaType },
  });

describe('lint extension', () => {
  it('refuses an image missing mandatory annotations with 400 MANIFEST_INVALID naming them, and reports lint_failed', async () => {
    const manifest = await imageManifest('lint/app', { [TITLE]: 'app' });
    const response = await put('lint/app', 'v1', manifest);
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      errors: Array<{ code: string; message: string; detail: Record<string, unknown> }>;
    };
    expect(body.errors[0]?.code).toBe('MANIFEST_INVALID');
    expect(body.errors[0]?.message).toContain(VENDOR);
    expect(body.errors[0]?.detail.reference).toBe('v1');
    expect(body.errors[0]?.detail.missingAnnotations).toContain(
      `is missing the next annotations: [${VENDOR}]`,
    );
    expect((await fetch(`${registry.url}/v2/lint/app/manifests/v1`)).status).toBe(404);

    await receiver.waitFor(1);
    const failed = receiver.received
      .map((r) => r.body)
      .find((b) => b.type === 'zotregistry.image.lint_failed');
    expect(failed?.data).toMatchObject({
      name: 'lint/app',
      reference: 'v1',
      mediaType: OCI_MANIFEST,
      manifest: JSON.stringify(manifest),
      actor: { clientIp: '127.0.0.1' },
    });
  });

  it('accepts annotations found in the config labels', async () => {
    const manifest = await imageManifest('lint/app', { [TITLE]: 'app' }, { [VENDOR]: 'acme' });
    expect((await put('lint/app', 'v2', manifest)).status).toBe(201);
  });

  it('accepts a manifest carrying every annotation itself, pushed by digest too', async () => {
    const manifest = await imageManifest('lint/app', { [TITLE]: 'app', [VENDOR]: 'acme' });
    const content = JSON.stringify(manifest);
    const { createHash } = await import('node:crypto');
    const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
    expect((await put('lint/app', digest, manifest)).status).toBe(201);
  });

  it('refuses a manifest missing both, naming both', async () => {
    const response = await put('lint/app', 'v3', await imageManifest('lint/app'));
    const body = (await response.json()) as { errors: Array<{ detail: { missing: string[] } }> };
    expect(response.status).toBe(400);
    expect(body.errors[0]?.detail.missing).toEqual([TITLE, VENDOR]);
  });

  it('does not lint an image index, as zot', async () => {
    const child = await imageManifest('lint/multi', { [TITLE]: 't', [VENDOR]: 'v' });
    expect((await put('lint/multi', 'child', child)).status).toBe(201);
    const childBytes = Buffer.from(JSON.stringify(child));
    const { createHash } = await import('node:crypto');
    const index = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: `sha256:${createHash('sha256').update(childBytes).digest('hex')}`,
          size: childBytes.byteLength,
        },
      ],
    };
    expect((await put('lint/multi', 'index', index, 'application/vnd.oci.image.index.v1+json')).status).toBe(
      201,
    );
  });

  it('does not lint signatures: a notation artifact or a cosign .sig tag', async () => {
    const target = await imageManifest('lint/signed', { [TITLE]: 't', [VENDOR]: 'v' });
    expect((await put('lint/signed', 'v1', target)).status).toBe(201);
    const notation = {
      ...(await imageManifest('lint/signed')),
      artifactType: 'application/vnd.cncf.notary.signature',
    };
    expect((await put('lint/signed', `sha256-${'1'.repeat(64)}`, notation)).status).toBe(201);
    const cosign = await imageManifest('lint/signed');
    expect((await put('lint/signed', `sha256-${'2'.repeat(64)}.sig`, cosign)).status).toBe(201);
  });

  it('refuses a real client (skopeo) pushing an image built by umoci without the annotations, and takes it once labelled', async () => {
    // asynchronous: the registry serves from this same process
    const scratch = mkdtempSync(join(tmpdir(), 'zot-lint-umoci-'));
    try {
      const layout = join(scratch, 'layout');
      await run('umoci', ['init', '--layout', layout]);
      await run('umoci', ['new', '--image', `${layout}:plain`]);
      await run('umoci', [
        'config',
        '--image',
        `${layout}:plain`,
        '--config.label',
        `${VENDOR}=acme`,
        '--manifest.annotation',
        `${TITLE}=app`,
        '--tag',
        'labelled',
      ]);
      const host = new URL(registry.url).host;
      const copy = (tag: string, ...flags: string[]) =>
        run('skopeo', [
          'copy',
          '--dest-tls-verify=false',
          ...flags,
          `oci:${layout}:${tag}`,
          `docker://${host}/lint/skopeo:${tag}`,
        ]);
      // --preserve-digests: skopeo may not convert the refused manifest to another format
      await expect(copy('plain', '--preserve-digests')).rejects.toThrow(/manifest invalid/i);
      await copy('labelled', '--preserve-digests');
      const pulled = await fetch(`${registry.url}/v2/lint/skopeo/manifests/labelled`);
      expect(pulled.status).toBe(200);
      // Without it skopeo retries as Docker schema 2, which zot's linter does not check either: it lands.
      await copy('plain');
      const converted = await fetch(`${registry.url}/v2/lint/skopeo/manifests/plain`);
      expect(converted.headers.get('content-type')).toBe(
        'application/vnd.docker.distribution.manifest.v2+json',
      );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

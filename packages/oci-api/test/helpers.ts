// Test helpers: an API over an in-memory store, and small push helpers speaking plain HTTP to it.
import { createHash } from 'node:crypto';
import { createMemoryDriver, createStore } from '@zot-ts/oci-store';
import { createOciApi, type OciApiOptions } from '../src/index.js';

export function sha256(content: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

export function testApi(options: Partial<OciApiOptions> = {}) {
  const store = createStore({ rootDirectory: '/memory', driver: createMemoryDriver() });
  const errors: unknown[] = [];
  const app = createOciApi({
    store,
    logger: { error: (_message, fields) => errors.push(fields) },
    ...options,
  });
  return { app, store, errors };
}

type App = ReturnType<typeof testApi>['app'];

export async function pushBlob(app: App, name: string, content: Uint8Array | string): Promise<string> {
  const digest = sha256(content);
  const response = await app.request(`/v2/${name}/blobs/uploads/?digest=${digest}`, {
    method: 'POST',
    body: typeof content === 'string' ? content : Buffer.from(content),
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(Buffer.byteLength(content)),
    },
  });
  if (response.status !== 201) throw new Error(`push blob: ${response.status} ${await response.text()}`);
  return digest;
}

export interface TestImage {
  manifest: string;
  digest: string;
  configDigest: string;
  layerDigest: string;
  layer: string;
}

/** Pushes a config and one layer, and returns an OCI image manifest over them (not yet pushed). */
export async function prepareImage(
  app: App,
  name: string,
  layer = 'layer-content',
  extra: Record<string, unknown> = {},
): Promise<TestImage> {
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [] },
  });
  const configDigest = await pushBlob(app, name, config);
  const layerDigest = await pushBlob(app, name, layer);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: configDigest,
      size: Buffer.byteLength(config),
    },
    layers: [
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        digest: layerDigest,
        size: Buffer.byteLength(layer),
      },
    ],
    ...extra,
  });
  return { manifest, digest: sha256(manifest), configDigest, layerDigest, layer };
}

export async function putManifest(
  app: App,
  name: string,
  reference: string,
  manifest: string,
  mediaType = 'application/vnd.oci.image.manifest.v1+json',
): Promise<Response> {
  return app.request(`/v2/${name}/manifests/${reference}`, {
    method: 'PUT',
    body: manifest,
    headers: { 'Content-Type': mediaType },
  });
}

export async function errorCode(response: Response): Promise<string | undefined> {
  const body = (await response.json()) as { errors?: Array<{ code: string }> };
  return body.errors?.[0]?.code;
}

// Small builders for tests: blobs and manifests with real digests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { digestOf } from '../src/digest.js';
import { mediaTypes } from '../src/media-types.js';
import { createMemoryDriver } from '../src/memory-driver.js';
import { type CreateStoreOptions, createStore } from '../src/store.js';
import type { Descriptor, Digest, RepositoryStore } from '../src/store-types.js';

export interface TestBlob {
  content: Buffer;
  digest: Digest;
  size: number;
}

export function blobOf(text: string | Buffer): TestBlob {
  const content = Buffer.isBuffer(text) ? text : Buffer.from(text);
  return { content, digest: digestOf(content), size: content.byteLength };
}

export async function* chunksOf(content: Buffer, chunkSize = 65_536): AsyncIterable<Uint8Array> {
  for (let offset = 0; offset < content.byteLength; offset += chunkSize)
    yield content.subarray(offset, offset + chunkSize);
}

export async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

export interface TestImage {
  config: TestBlob;
  layers: TestBlob[];
  manifest: Buffer;
  digest: Digest;
  descriptor: Descriptor;
}

/** An OCI image manifest over a config and layers; `extra` adds fields such as subject or artifactType. */
export function imageOf(seed: string, layerCount = 1, extra: Record<string, unknown> = {}): TestImage {
  const config = blobOf(JSON.stringify({ architecture: 'amd64', os: 'linux', seed }));
  const layers = Array.from({ length: layerCount }, (_, position) => blobOf(`${seed}-layer-${position}`));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: { mediaType: mediaTypes.ociConfig, digest: config.digest, size: config.size },
      layers: layers.map((layer) => ({
        mediaType: mediaTypes.ociLayerGzip,
        digest: layer.digest,
        size: layer.size,
      })),
      ...extra,
    }),
  );
  const digest = digestOf(manifest);
  return {
    config,
    layers,
    manifest,
    digest,
    descriptor: { mediaType: mediaTypes.ociManifest, digest, size: manifest.byteLength },
  };
}

/** Uploads the image's blobs and puts its manifest under `reference`. */
export async function pushImage(repository: RepositoryStore, image: TestImage, reference: string) {
  for (const blob of [image.config, ...image.layers]) {
    await repository.uploads.putBlob(chunksOf(blob.content), blob.digest);
  }
  return repository.manifests.put(reference, mediaTypes.ociManifest, image.manifest);
}

export async function temporaryDirectory(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'oci-store-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A store per test, on the local disk or in memory, for suites that run on both. */
export const storeKinds = ['local', 'memory'] as const;

export async function makeTestStore(
  kind: (typeof storeKinds)[number],
  options: Partial<CreateStoreOptions> = {},
) {
  const directory = await temporaryDirectory();
  const store = createStore({
    rootDirectory: directory.path,
    ...(kind === 'memory' ? { driver: createMemoryDriver() } : {}),
    ...options,
  });
  return { store, root: directory.path, dispose: directory.remove };
}

/** Matches an OciError by its code (tests assert on codes, not messages). */
export const ociErrorWith = (code: string) => expect.objectContaining({ name: 'OciError', code });

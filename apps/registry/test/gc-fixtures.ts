// Fixtures for the GC end-to-end tests: images with chosen (possibly shared) layers, pushed and pulled over
// raw HTTP, a movable clock, the blob files on disk, and the running server's GC feature.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type GcFeature, isGcFeature } from '../src/features/gc.js';
import { ociManifestType } from './conformance-fixtures.js';
import { sha256, type TestRegistry } from './helpers.js';

export interface GcImage {
  config: string;
  layers: Buffer[];
  manifest: string;
  digest: string;
}

export function layerOf(seed: string, size = 512): Buffer {
  return Buffer.from(`${seed}:`.repeat(Math.ceil(size / (seed.length + 1)))).subarray(0, size);
}

export function gcImage(seed: string, layers: Buffer[] = [layerOf(seed)]): GcImage {
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', seed });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: ociManifestType,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: sha256(config),
      size: Buffer.byteLength(config),
    },
    layers: layers.map((layer) => ({
      mediaType: 'application/vnd.oci.image.layer.v1.tar',
      digest: sha256(layer),
      size: layer.length,
    })),
  });
  return { config, layers, manifest, digest: sha256(manifest) };
}

/** Every digest the image puts on disk: manifest, config and layers. */
export function digestsOf(image: GcImage): string[] {
  return [image.digest, sha256(image.config), ...image.layers.map((layer) => sha256(layer))];
}

async function pushBlob(base: string, repository: string, content: string | Buffer): Promise<void> {
  const started = await fetch(`${base}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  expect(started.status).toBe(202);
  const location = started.headers.get('location') ?? '';
  const separator = location.includes('?') ? '&' : '?';
  const url = location.startsWith('http') ? location : `${base}${location}`;
  const done = await fetch(`${url}${separator}digest=${sha256(content)}`, {
    method: 'PUT',
    body: content,
    headers: { 'Content-Type': 'application/octet-stream' },
  });
  expect(done.status).toBe(201);
}

/** Blob uploads (POST + PUT each), then the manifest PUT under `reference`. */
export async function pushImage(base: string, repository: string, image: GcImage, reference: string) {
  await pushBlob(base, repository, image.config);
  for (const layer of image.layers) await pushBlob(base, repository, layer);
  const put = await fetch(`${base}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    body: image.manifest,
    headers: { 'Content-Type': ociManifestType },
  });
  expect(put.status).toBe(201);
}

/** Pulls the manifest by `reference` and every blob, and checks each against its digest. */
export async function pullAndVerify(base: string, repository: string, image: GcImage, reference: string) {
  const manifest = await fetch(`${base}/v2/${repository}/manifests/${reference}`, {
    headers: { Accept: ociManifestType },
  });
  expect(manifest.status, `${repository}:${reference}`).toBe(200);
  expect(sha256(Buffer.from(await manifest.arrayBuffer()))).toBe(image.digest);
  for (const digest of digestsOf(image).slice(1)) {
    const blob = await fetch(`${base}/v2/${repository}/blobs/${digest}`);
    expect(blob.status, `${repository}@${digest}`).toBe(200);
    expect(sha256(Buffer.from(await blob.arrayBuffer()))).toBe(digest);
  }
}

export async function manifestStatus(base: string, repository: string, reference: string): Promise<number> {
  const response = await fetch(`${base}/v2/${repository}/manifests/${reference}`, {
    method: 'HEAD',
    headers: { Accept: ociManifestType },
  });
  return response.status;
}

export async function tagsOf(base: string, repository: string): Promise<string[]> {
  const response = await fetch(`${base}/v2/${repository}/tags/list`);
  return ((await response.json()) as { tags?: string[] }).tags ?? [];
}

/** `sha256:<hex>` of every file under `<root>/<repository>/blobs/sha256`, sorted. */
export function blobsOnDisk(root: string, repository: string): string[] {
  const directory = join(root, repository, 'blobs', 'sha256');
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((name) => /^[0-9a-f]{64}$/.test(name))
    .map((hex) => `sha256:${hex}`)
    .sort();
}

/** A clock the test moves forward: GC judges blob ages and retention windows by it. */
export function movableClock() {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance(ms: number) {
      offsetMs += ms;
    },
  };
}

export function gcFeatureOf(registry: TestRegistry): GcFeature {
  const feature = registry.registry.features.find(isGcFeature);
  if (feature === undefined) throw new Error('the registry has no GC feature');
  return feature;
}

/** The JSON lines of a log file, once the server is closed (streams flushed). */
export function logLines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export const HOUR = 3_600_000;

// Pushes and pulls the scale-out tests make through several instances: each request of a push may go to another
// instance (`pick`), and reads check every byte against its digest. Shared by scale-out.test.ts (local root) and
// scale-out-s3.test.ts (Ceph bucket).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { basic } from './auth-fixtures.js';
import { ociManifestType } from './conformance-fixtures.js';
import { digestsOf, type GcImage } from './gc-fixtures.js';
import { sha256 } from './helpers.js';

/** The one user of the scale-out tests (htpasswd `alice:alice-pw`). */
export const alice = { Authorization: basic('alice', 'alice-pw') };

/** `location` (absolute or a path) on another instance. */
export function on(base: string, location: string): string {
  const url = new URL(location, base);
  return `${base}${url.pathname}${url.search}`;
}

/** The upload `location` with `digest=` appended, as the closing PUT sends it. */
export const withDigest = (location: string, digest: string): string =>
  `${location}${location.includes('?') ? '&' : '?'}digest=${digest}`;

/** POST on one instance, the monolithic PUT on another (each picked by `pick`). */
export async function pushBlob(
  pick: () => string,
  repository: string,
  content: string | Buffer,
): Promise<void> {
  const started = await fetch(`${pick()}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers: alice,
  });
  expect(started.status).toBe(202);
  const location = on(pick(), started.headers.get('location') ?? '');
  const done = await fetch(withDigest(location, sha256(content)), {
    method: 'PUT',
    body: content,
    headers: { ...alice, 'Content-Type': 'application/octet-stream' },
  });
  expect(done.status, await done.text()).toBe(201);
}

/** Config, layers, then the manifest under `tag`; returns the manifest PUT's status (logged unless 201). */
export async function pushImage(
  pick: () => string,
  repository: string,
  image: GcImage,
  tag: string,
): Promise<number> {
  await pushBlob(pick, repository, image.config);
  for (const layer of image.layers) await pushBlob(pick, repository, layer);
  const put = await fetch(`${pick()}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    body: image.manifest,
    headers: { ...alice, 'Content-Type': ociManifestType },
  });
  const body = await put.text();
  if (put.status !== 201) console.error(`manifest put ${repository}:${tag}: ${put.status} ${body}`);
  return put.status;
}

/** The manifest by `reference` and every blob from `base`, each checked against its digest. */
export async function expectPullable(base: string, repository: string, image: GcImage, reference: string) {
  const manifest = await fetch(`${base}/v2/${repository}/manifests/${reference}`, {
    headers: { ...alice, Accept: ociManifestType },
  });
  expect(manifest.status, `${base} ${repository}:${reference}`).toBe(200);
  expect(sha256(Buffer.from(await manifest.arrayBuffer()))).toBe(image.digest);
  for (const digest of digestsOf(image).slice(1)) {
    const blob = await fetch(`${base}/v2/${repository}/blobs/${digest}`, { headers: alice });
    expect(blob.status, `${base} ${repository}@${digest}`).toBe(200);
    expect(sha256(Buffer.from(await blob.arrayBuffer()))).toBe(digest);
  }
}

export async function tagsOn(base: string, repository: string): Promise<string[]> {
  const response = await fetch(`${base}/v2/${repository}/tags/list`, { headers: alice });
  return ((await response.json()) as { tags?: string[] }).tags ?? [];
}

/** An OCI layout on disk holding `image` under `tag`, for skopeo to copy from. */
export function ociLayout(path: string, image: GcImage, tag: string): void {
  mkdirSync(join(path, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(path, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  for (const content of [image.config, ...image.layers, image.manifest])
    writeFileSync(join(path, 'blobs', 'sha256', sha256(content).slice(7)), content);
  const descriptor = {
    mediaType: ociManifestType,
    digest: image.digest,
    size: Buffer.byteLength(image.manifest),
    annotations: { 'org.opencontainers.image.ref.name': tag },
  };
  writeFileSync(join(path, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [descriptor] }));
}

/** Each tag of index.json (`stored`) -> the digests it names (a valid index names each tag once). */
export function digestsByTag(stored: string): Map<string, string[]> {
  const index = JSON.parse(stored) as {
    manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
  };
  const byTag = new Map<string, string[]>();
  for (const entry of index.manifests) {
    const tag = entry.annotations?.['org.opencontainers.image.ref.name'];
    if (tag !== undefined) byTag.set(tag, [...(byTag.get(tag) ?? []), entry.digest]);
  }
  return byTag;
}

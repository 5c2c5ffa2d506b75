// Issue 14, the embedded metadata database through the real server: pushes by skopeo (umoci-made images) and by
// raw HTTP (a multi-arch index, a referrer, a cosign .sig tag) fill RepoMeta/ImageMeta; downloads count; tags and
// manifests deleted through the API leave it; a restart keeps it and re-reads only what changed behind our back;
// repositories gone from storage are dropped; the first wave's .zot-ts-meta directory migrates.
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileMetaStore, DEFAULT_METADATA_DIRECTORY_NAME } from '@zot-ts/metastore';
import { createStore } from '@zot-ts/oci-store';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../src/index.js';
import { client, makeImage, makeReferrer, ociIndexType } from './conformance-fixtures.js';
import { sha256 } from './helpers.js';
import { metadataOf, repoMetaOf, skopeoCopy, startOnRoot, umociImage } from './metadata-fixtures.js';

const scratch: string[] = [];
let running: RunningRegistry | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  for (const directory of scratch.splice(0)) rmSync(directory, { recursive: true, force: true });
});
function scratchDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'zot-metadb-'));
  scratch.push(directory);
  return directory;
}

async function pushIndex(url: string, repository: string, tag: string) {
  const http = client(url);
  const amd = makeImage(`${repository}-amd64`);
  const arm = makeImage(`${repository}-arm64`);
  // makeImage's config says amd64: give the second child its own architecture
  const armConfig = JSON.stringify({ architecture: 'arm64', os: 'linux', variant: 'v8' });
  const armManifest = arm.manifest.replace(
    /"config":\{[^}]*\}/,
    `"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"${sha256(armConfig)}","size":${Buffer.byteLength(armConfig)}}`,
  );
  await http.pushImage(repository, amd, amd.digest);
  await http.pushBlob(repository, armConfig);
  await http.pushBlob(repository, arm.layer);
  await http.request(`/v2/${repository}/manifests/${sha256(armManifest)}`, {
    method: 'PUT',
    body: armManifest,
    headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
  });
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: ociIndexType,
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: amd.digest,
        size: amd.manifest.length,
      },
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: sha256(armManifest),
        size: armManifest.length,
      },
    ],
  });
  const put = await http.request(`/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    body: index,
    headers: { 'Content-Type': ociIndexType },
  });
  expect(put.status).toBe(201);
  return sha256(index);
}

describe('metadata database through the real server', () => {
  it('skopeo pushes of umoci images fill RepoMeta; an index, a referrer and a .sig tag too; downloads count', async () => {
    const root = join(scratchDirectory(), 'data');
    running = await startOnRoot(root);
    const work = scratchDirectory();
    const layout = await umociImage(work, {
      tag: 'v1',
      arch: 'arm64',
      vendor: 'ACME',
      created: '2024-05-01T00:00:00Z',
    });
    await umociImage(work, { tag: 'v2', arch: 'amd64', vendor: 'Other', created: '2024-06-01T00:00:00Z' });
    await skopeoCopy(layout, 'v1', running.url, 'team/app:v1');
    await skopeoCopy(layout, 'v2', running.url, 'team/app:v2');

    let app = await repoMetaOf(running, 'team/app');
    expect(Object.keys(app?.tags ?? {}).sort()).toEqual(['v1', 'v2']);
    expect(app?.platforms).toEqual(
      expect.arrayContaining([
        { os: 'linux', architecture: 'arm64' },
        { os: 'linux', architecture: 'amd64' },
      ]),
    );
    expect(app?.vendors).toEqual(['ACME', 'Other']);
    expect(app?.lastUpdated).toMatchObject({ tag: 'v2' });
    expect(app?.lastUpdated?.at.toISOString()).toBe('2024-06-01T00:00:00.000Z');
    expect(app?.size).toBeGreaterThan(0);
    const v1 = app?.tags.v1?.digest ?? '';
    const image = await running.registry.metaStore.repos.getImageMeta(v1);
    expect(image?.manifests[0]?.config).toMatchObject({ architecture: 'arm64', os: 'linux' });

    // two GETs and one HEAD: zot counts the GETs
    for (const method of ['GET', 'GET', 'HEAD']) {
      await fetch(`${running.url}/v2/team/app/manifests/v1`, {
        method,
        headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
      }).then((r) => r.arrayBuffer());
    }
    app = await repoMetaOf(running, 'team/app');
    expect(app?.statistics[v1]?.downloadCount).toBe(2);
    expect(app?.downloadCount).toBe(2);

    const indexDigest = await pushIndex(running.url, 'multi', 'latest');
    const multi = await repoMetaOf(running, 'multi');
    expect(multi?.tags.latest).toMatchObject({ digest: indexDigest, mediaType: ociIndexType });
    expect(multi?.platforms).toEqual(
      expect.arrayContaining([
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64', variant: 'v8' },
      ]),
    );
    expect((await running.registry.metaStore.repos.getImageMeta(indexDigest))?.manifests).toHaveLength(2);

    const http = client(running.url);
    const base = makeImage('base');
    await http.pushImage('signed', base, 'v1');
    const sbom = makeReferrer('sbom', base, 'application/spdx+json');
    await http.pushImage('signed', sbom, sbom.digest);
    const signature = makeImage('cosign signature');
    const sigTag = `sha256-${base.digest.slice(7)}.sig`;
    await http.pushImage('signed', signature, sigTag);
    const signed = await repoMetaOf(running, 'signed');
    expect(Object.keys(signed?.tags ?? {})).toEqual(['v1']);
    expect(signed?.referrers[base.digest]?.map((r) => r.digest)).toEqual([sbom.digest]);
    expect(signed?.signatures[base.digest]?.cosign?.[0]).toMatchObject({
      signatureManifestDigest: signature.digest,
      signatureTag: sigTag,
    });
  });

  it('tags and manifests deleted through the API leave the metadata', async () => {
    running = await startOnRoot(join(scratchDirectory(), 'data'));
    const http = client(running.url);
    const one = makeImage('one');
    const two = makeImage('two');
    await http.pushImage('app', one, 'v1');
    await http.pushImage('app', one, 'latest');
    await http.pushImage('app', two, 'v2');
    expect(Object.keys((await repoMetaOf(running, 'app'))?.tags ?? {}).sort()).toEqual([
      'latest',
      'v1',
      'v2',
    ]);

    expect((await http.request('/v2/app/manifests/v1', { method: 'DELETE' })).status).toBe(202);
    let app = await repoMetaOf(running, 'app');
    expect(Object.keys(app?.tags ?? {}).sort()).toEqual(['latest', 'v2']);
    expect(app?.statistics[one.digest]).toBeDefined();

    expect((await http.request(`/v2/app/manifests/${one.digest}`, { method: 'DELETE' })).status).toBe(202);
    app = await repoMetaOf(running, 'app');
    expect(Object.keys(app?.tags ?? {})).toEqual(['v2']);
    expect(app?.statistics[one.digest]).toBeUndefined();
  });

  it('PUT by digest with several ?tag= records every tag', async () => {
    running = await startOnRoot(join(scratchDirectory(), 'data'));
    const http = client(running.url);
    const image = makeImage('multi-tag');
    await http.pushBlob('app', image.config);
    await http.pushBlob('app', image.layer);
    const put = await http.request(`/v2/app/manifests/${image.digest}?tag=v1&tag=latest&tag=stable`, {
      method: 'PUT',
      body: image.manifest,
      headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(put.status).toBe(201);
    const app = await repoMetaOf(running, 'app');
    expect(Object.keys(app?.tags ?? {}).sort()).toEqual(['latest', 'stable', 'v1']);
    expect(new Set(Object.values(app?.tags ?? {}).map((t) => t.digest))).toEqual(new Set([image.digest]));
  });

  it('a restart keeps the metadata, re-reads only changed repositories, and drops repositories gone from storage', async () => {
    const root = join(scratchDirectory(), 'data');
    running = await startOnRoot(root);
    const http = client(running.url);
    for (const name of ['keep', 'edit', 'gone']) {
      await http.pushImage(name, makeImage(`${name}-1`), 'v1');
      await http.pushImage(name, makeImage(`${name}-2`), 'v2');
    }
    await fetch(`${running.url}/v2/keep/manifests/v1`).then((r) => r.arrayBuffer());
    await running.close();

    running = await startOnRoot(root);
    expect(metadataOf(running).startup).toMatchObject({
      repositories: 3,
      parsed: 0,
      unchanged: 3,
      dropped: 0,
    });
    const keep = await repoMetaOf(running, 'keep');
    expect(Object.keys(keep?.tags ?? {}).sort()).toEqual(['v1', 'v2']);
    expect(keep?.downloadCount).toBe(1);
    await running.close();
    running = undefined;

    // behind the server's back: another writer deletes a tag, a repository disappears
    await createStore({ rootDirectory: root }).repository('edit').manifests.delete('v1');
    await rm(join(root, 'gone'), { recursive: true });

    running = await startOnRoot(root);
    expect(metadataOf(running).startup).toMatchObject({
      repositories: 2,
      parsed: 1,
      unchanged: 1,
      dropped: 1,
    });
    expect(Object.keys((await repoMetaOf(running, 'edit'))?.tags ?? {})).toEqual(['v2']);
    expect(await running.registry.metaStore.repos.repositoryNames()).toEqual(['edit', 'keep']);
    expect((await repoMetaOf(running, 'keep'))?.downloadCount).toBe(1);
  });

  it('migrates the first wave .zot-ts-meta directory into the database on start', async () => {
    const root = join(scratchDirectory(), 'data');
    const old = await createFileMetaStore({ directory: join(root, DEFAULT_METADATA_DIRECTORY_NAME) });
    await old.users.upsert('alice', { groups: ['dev'] });
    await old.tagTimes.recordPush('app', 'v1', `sha256:${'a'.repeat(64)}`, new Date('2025-01-01T00:00:00Z'));
    await old.close();
    running = await startOnRoot(root);
    expect((await running.registry.metaStore.users.get('alice'))?.groups).toEqual(['dev']);
    expect(await running.registry.metaStore.tagTimes.list('app')).toHaveLength(1);
  });
});

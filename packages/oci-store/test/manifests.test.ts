import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestOf } from '../src/digest.js';
import { mediaTypes } from '../src/media-types.js';
import type { Store, StoreEvent } from '../src/store-types.js';
import { chunksOf, imageOf, makeTestStore, ociErrorWith, pushImage, storeKinds } from './fixtures.js';

describe.each(storeKinds)('manifests, tags, referrers (%s)', (kind) => {
  let store: Store;
  let root: string;
  let dispose: () => Promise<void>;
  const events: StoreEvent[] = [];
  beforeEach(async () => {
    ({ store, root, dispose } = await makeTestStore(kind));
    events.length = 0;
    store.subscribe((event) => events.push(event));
  });
  afterEach(() => dispose());

  it('ManifestStore > put by tag > stores the exact bytes, readable by tag and by digest', async () => {
    const repo = store.repository('library/alpine');
    const image = imageOf('one', 2);
    expect(await pushImage(repo, image, 'latest')).toEqual({ digest: image.digest, tagExisted: false });
    for (const reference of ['latest', image.digest]) {
      const stored = await repo.manifests.get(reference);
      expect(Buffer.from(stored.content).equals(image.manifest)).toBe(true);
      expect(stored).toMatchObject({
        digest: image.digest,
        mediaType: mediaTypes.ociManifest,
        size: image.manifest.length,
      });
    }
    expect(await repo.manifests.stat('latest')).toEqual({
      digest: image.digest,
      mediaType: mediaTypes.ociManifest,
      size: image.manifest.length,
    });
    expect(events.at(-1)).toMatchObject({
      type: 'manifestPut',
      repository: 'library/alpine',
      digest: image.digest,
      tag: 'latest',
    });
  });

  // skipped on the memory driver: this reads the files zot would read, on a real disk
  it.runIf(kind === 'local')(
    'ManifestStore > writes zot layout: oci-layout, index.json with ref.name, manifest blob',
    async () => {
      const image = imageOf('layout');
      await pushImage(store.repository('a/b'), image, 'v1');
      expect(await readFile(join(root, 'a/b/oci-layout'), 'utf8')).toBe('{"imageLayoutVersion":"1.0.0"}');
      const index = JSON.parse(await readFile(join(root, 'a/b/index.json'), 'utf8'));
      expect(index).toEqual({
        schemaVersion: 2,
        mediaType: mediaTypes.ociIndex,
        manifests: [{ ...image.descriptor, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }],
      });
      const blob = await readFile(join(root, 'a/b/blobs/sha256', image.digest.slice('sha256:'.length)));
      expect(blob.equals(image.manifest)).toBe(true);
    },
  );

  it('ManifestStore > put > refuses a manifest whose blobs are missing with MANIFEST_BLOB_UNKNOWN', async () => {
    const repo = store.repository('app');
    const image = imageOf('missing');
    await expect(repo.manifests.put('v1', mediaTypes.ociManifest, image.manifest)).rejects.toEqual(
      ociErrorWith('MANIFEST_BLOB_UNKNOWN'),
    );
    expect(await repo.exists()).toBe(false);
  });

  it('ManifestStore > put > refuses invalid JSON, wrong media types and bad references', async () => {
    const repo = store.repository('app');
    const image = imageOf('bad');
    await pushImage(repo, image, 'ok');
    const put = (reference: string, mediaType: string, body: Uint8Array) =>
      repo.manifests.put(reference, mediaType, body);
    await expect(put('v', mediaTypes.ociManifest, Buffer.from('{nope'))).rejects.toEqual(
      ociErrorWith('MANIFEST_INVALID'),
    );
    await expect(put('v', mediaTypes.ociIndex, image.manifest)).rejects.toEqual(
      ociErrorWith('MANIFEST_INVALID'),
    );
    await expect(put('v', 'text/plain', Buffer.from('{"schemaVersion":2}'))).rejects.toEqual(
      ociErrorWith('MANIFEST_INVALID'),
    );
    await expect(put('-v', mediaTypes.ociManifest, image.manifest)).rejects.toEqual(
      ociErrorWith('MANIFEST_INVALID'),
    );
    await expect(put(digestOf('other'), mediaTypes.ociManifest, image.manifest)).rejects.toEqual(
      ociErrorWith('DIGEST_INVALID'),
    );
    await expect(
      repo.manifests.put('v', mediaTypes.ociManifest, image.manifest, { tags: ['ok', 'bad:tag'] }),
    ).rejects.toEqual(ociErrorWith('MANIFEST_INVALID'));
    expect((await repo.tags.list()).tags).toEqual(['ok']);
  });

  it('ManifestStore > put by digest with extra tags, Content-Type parameters ignored', async () => {
    const repo = store.repository('app');
    const image = imageOf('tags');
    for (const blob of [image.config, ...image.layers])
      await repo.uploads.putBlob(chunksOf(blob.content), blob.digest);
    await repo.manifests.put(image.digest, `${mediaTypes.ociManifest}; charset=utf-8`, image.manifest, {
      tags: ['b', 'a'],
    });
    expect((await repo.tags.list()).tags).toEqual(['a', 'b']);
    expect((await repo.manifests.get('a')).digest).toBe(image.digest);
  });

  it('RepositoryStore > indexFingerprint and indexManifests change with index.json; BlobStore > content reads a blob whole', async () => {
    const repo = store.repository('fingerprinted');
    expect(await repo.indexFingerprint()).toBeUndefined();
    expect(await repo.indexManifests()).toBeUndefined();
    const one = imageOf('fp-one');
    await pushImage(repo, one, 'v1');
    const first = await repo.indexFingerprint();
    expect(first).toBeDefined();
    expect(await repo.indexFingerprint()).toBe(first); // unchanged file, same fingerprint
    const two = imageOf('fp-two');
    for (const blob of [two.config, ...two.layers])
      await repo.uploads.putBlob(chunksOf(blob.content), blob.digest);
    await repo.manifests.put(two.digest, mediaTypes.ociManifest, two.manifest);
    const snapshot = await repo.indexManifests();
    expect(snapshot?.fingerprint).not.toBe(first);
    expect(snapshot?.fingerprint).toBe(await repo.indexFingerprint());
    expect(snapshot?.manifests.map((d) => d.digest).sort()).toEqual([one.digest, two.digest].sort());
    expect(
      Buffer.from(await (repo.blobs.content?.(one.config.digest) ?? Promise.reject())).equals(
        one.config.content,
      ),
    ).toBe(true);
    await expect(repo.blobs.content?.(`sha256:${'0'.repeat(64)}`)).rejects.toEqual(
      ociErrorWith('BLOB_UNKNOWN'),
    );
  });

  it('ManifestStore > moving a tag reports tagExisted and keeps the old manifest pullable by digest', async () => {
    const repo = store.repository('app');
    const first = imageOf('first');
    const second = imageOf('second');
    await pushImage(repo, first, 'latest');
    expect((await pushImage(repo, second, 'latest')).tagExisted).toBe(true);
    expect((await repo.manifests.get('latest')).digest).toBe(second.digest);
    expect((await repo.manifests.get(first.digest)).digest).toBe(first.digest);
    expect((await pushImage(repo, second, 'latest')).tagExisted).toBe(false);
  });

  it('ManifestStore > an index needs its child manifests', async () => {
    const repo = store.repository('multi');
    const child = imageOf('child');
    const index = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests: [child.descriptor] }),
    );
    await expect(repo.manifests.put('multi', mediaTypes.ociIndex, index)).rejects.toEqual(
      ociErrorWith('MANIFEST_BLOB_UNKNOWN'),
    );
    await pushImage(repo, child, child.digest);
    await repo.manifests.put('multi', mediaTypes.ociIndex, index);
    expect((await repo.manifests.get('multi')).mediaType).toBe(mediaTypes.ociIndex);
    await expect(repo.blobs.delete(child.config.digest)).rejects.toEqual(ociErrorWith('BLOB_IN_USE'));
  });

  it('ManifestStore > delete by tag keeps the manifest; by digest removes it and its tags', async () => {
    const repo = store.repository('app');
    const image = imageOf('del');
    await pushImage(repo, image, 'a');
    await repo.manifests.put('b', mediaTypes.ociManifest, image.manifest);
    await repo.manifests.delete('a');
    expect((await repo.tags.list()).tags).toEqual(['b']);
    await repo.manifests.delete('b');
    expect((await repo.tags.list()).tags).toEqual([]);
    expect((await repo.manifests.get(image.digest)).digest).toBe(image.digest);
    await repo.manifests.delete(image.digest);
    await expect(repo.manifests.get(image.digest)).rejects.toEqual(ociErrorWith('MANIFEST_UNKNOWN'));
    await expect(repo.manifests.delete(image.digest)).rejects.toEqual(ociErrorWith('MANIFEST_UNKNOWN'));
    const types = events.map((event) => event.type);
    expect(types.filter((type) => type === 'tagDeleted')).toHaveLength(2);
    expect(types.at(-1)).toBe('manifestDeleted');
    // blobs are free once no manifest references them
    await repo.blobs.delete(image.config.digest);
  });

  it('ManifestStore > delete > with detectCollision refuses a digest several tags share, and removes nothing', async () => {
    const repo = store.repository('app');
    const image = imageOf('collide');
    await pushImage(repo, image, '1.36');
    await repo.manifests.put('latest', mediaTypes.ociManifest, image.manifest);
    await expect(repo.manifests.delete(image.digest, { detectCollision: true })).rejects.toEqual(
      ociErrorWith('MANIFEST_INVALID'),
    );
    expect((await repo.tags.list()).tags).toEqual(['1.36', 'latest']);
    // by tag there is one entry: no collision
    await repo.manifests.delete('1.36', { detectCollision: true });
    await repo.manifests.delete(image.digest, { detectCollision: true });
    await expect(repo.manifests.get(image.digest)).rejects.toEqual(ociErrorWith('MANIFEST_UNKNOWN'));
  });

  it('BlobStore > delete > refuses a blob a manifest references with BLOB_IN_USE', async () => {
    const repo = store.repository('app');
    const image = imageOf('inuse');
    await pushImage(repo, image, 'v1');
    await expect(repo.blobs.delete(image.layers[0]?.digest ?? '')).rejects.toEqual(
      ociErrorWith('BLOB_IN_USE'),
    );
    expect(await repo.blobs.mediaTypeOf?.(image.config.digest)).toBe(mediaTypes.ociConfig);
  });

  it('unknown repositories and references get NAME_UNKNOWN and MANIFEST_UNKNOWN', async () => {
    await expect(store.repository('ghost').manifests.get('latest')).rejects.toEqual(
      ociErrorWith('NAME_UNKNOWN'),
    );
    await expect(store.repository('ghost').tags.list()).rejects.toEqual(ociErrorWith('NAME_UNKNOWN'));
    const repo = store.repository('app');
    await pushImage(repo, imageOf('x'), 'v1');
    await expect(repo.manifests.get('v2')).rejects.toEqual(ociErrorWith('MANIFEST_UNKNOWN'));
    expect(() => store.repository('../etc')).toThrowError(ociErrorWith('NAME_INVALID'));
  });

  it('TagStore > list > sorted lexically, paginated with n and last', async () => {
    const repo = store.repository('app');
    const image = imageOf('page');
    await pushImage(repo, image, 'v1');
    for (const tag of ['b', 'a', 'c', 'v10', 'v2'])
      await repo.manifests.put(tag, mediaTypes.ociManifest, image.manifest);
    expect((await repo.tags.list()).tags).toEqual(['a', 'b', 'c', 'v1', 'v10', 'v2']);
    expect(await repo.tags.list({ n: 2 })).toEqual({ name: 'app', tags: ['a', 'b'], next: 'b' });
    expect(await repo.tags.list({ n: 2, last: 'b' })).toEqual({ name: 'app', tags: ['c', 'v1'], next: 'v1' });
    expect(await repo.tags.list({ n: 10, last: 'v1' })).toEqual({ name: 'app', tags: ['v10', 'v2'] });
    expect((await repo.tags.list({ n: 0 })).tags).toEqual([]);
    expect((await repo.tags.entries()).map((entry) => entry.descriptor.digest)).toEqual(
      Array(6).fill(image.digest),
    );
  });

  it('ReferrersStore > lists manifests whose subject is the digest, filtered by artifactType', async () => {
    const repo = store.repository('app');
    const subject = imageOf('subject');
    await pushImage(repo, subject, 'v1');
    const signature = imageOf('sig', 1, {
      artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      subject: subject.descriptor,
      annotations: { kind: 'sig' },
    });
    const sbom = imageOf('sbom', 1, { subject: subject.descriptor });
    expect((await pushImage(repo, signature, signature.digest)).subject).toBe(subject.digest);
    await pushImage(repo, sbom, sbom.digest);
    const all = await repo.referrers.list(subject.digest);
    expect(all.map((entry) => entry.digest).sort()).toEqual([signature.digest, sbom.digest].sort());
    const sigs = await repo.referrers.list(subject.digest, {
      artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
    });
    expect(sigs).toEqual([
      {
        mediaType: mediaTypes.ociManifest,
        digest: signature.digest,
        size: signature.manifest.length,
        artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
        annotations: { kind: 'sig' },
      },
    ]);
    // artifactType falls back to the config media type
    expect(
      (await repo.referrers.list(subject.digest, { artifactType: mediaTypes.ociConfig }))[0]?.digest,
    ).toBe(sbom.digest);
    expect(await repo.referrers.list(digestOf('nothing'))).toEqual([]);
  });
});

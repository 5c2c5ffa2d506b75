// Store > scrubImages: zot's per-image scrub results (pkg/storage/scrub.go), on the local disk.
import { unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mediaTypes } from '../src/media-types.js';
import { createStore } from '../src/store.js';
import type { Store } from '../src/store-types.js';
import { blobOf, chunksOf, imageOf, pushImage, temporaryDirectory } from './fixtures.js';

const hex = (digest: string) => digest.slice('sha256:'.length);

describe('Store > scrubImages', () => {
  let root: string;
  let remove: () => Promise<void>;
  let store: Store;
  beforeEach(async () => {
    ({ path: root, remove } = await temporaryDirectory());
    store = createStore({ rootDirectory: root, dedupe: false });
  });
  afterEach(() => remove());
  const blobPath = (repository: string, digest: string) =>
    join(root, repository, 'blobs/sha256', hex(digest));

  it('reports one result per index.json entry, ok ones with empty affected blob and error', async () => {
    const image = imageOf('plain', 2);
    await pushImage(store.repository('app'), image, 'v1');
    await pushImage(store.repository('app'), imageOf('other'), imageOf('other').digest);
    const results = await store.scrubImages('app');
    expect(results).toEqual([
      { repository: 'app', tag: 'v1', digest: image.digest, status: 'ok', affectedBlob: '', error: '' },
      expect.objectContaining({ tag: '', status: 'ok' }),
    ]);
  });

  it('marks an index affected by its first damaged child, and every tag of a shared manifest alike', async () => {
    const repository = store.repository('multi');
    const amd = imageOf('amd');
    const arm = imageOf('arm');
    await pushImage(repository, amd, amd.digest);
    await pushImage(repository, arm, arm.digest);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: mediaTypes.ociIndex,
        manifests: [amd.descriptor, arm.descriptor],
      }),
    );
    await repository.manifests.put('v1', mediaTypes.ociIndex, index);
    await repository.manifests.put('latest', mediaTypes.ociIndex, index);
    await writeFile(blobPath('multi', arm.layers[0]?.digest ?? ''), 'rot');
    const results = await store.scrubImages('multi');
    const byTag = Object.fromEntries(results.map((result) => [result.tag || result.digest, result]));
    for (const tag of ['v1', 'latest'])
      expect(byTag[tag]).toMatchObject({
        status: 'affected',
        affectedBlob: hex(arm.layers[0]?.digest ?? ''),
        error: 'bad blob digest',
      });
    expect(byTag[amd.digest]).toMatchObject({ status: 'ok' });
  });

  it('reports a missing config as "blob not found", a garbled manifest as "invalid manifest content"', async () => {
    const noConfig = imageOf('no-config');
    const garbled = imageOf('garbled');
    await pushImage(store.repository('a'), noConfig, 'v1');
    await pushImage(store.repository('b'), garbled, 'v1');
    await unlink(blobPath('a', noConfig.config.digest));
    await writeFile(blobPath('b', garbled.digest), 'invalid content');
    expect((await store.scrubImages('a'))[0]).toMatchObject({
      affectedBlob: hex(noConfig.config.digest),
      error: 'blob not found',
    });
    expect((await store.scrubImages('b'))[0]).toMatchObject({
      affectedBlob: hex(garbled.digest),
      error: 'invalid manifest content',
    });
  });

  it('re-hashes a manifest edited into other valid JSON (zot would pass it)', async () => {
    const image = imageOf('edited');
    await pushImage(store.repository('edited'), image, 'v1');
    await writeFile(blobPath('edited', image.digest), Buffer.from(`${image.manifest.toString()} `));
    expect((await store.scrubImages('edited'))[0]).toMatchObject({
      affectedBlob: hex(image.digest),
      error: 'bad blob digest',
    });
  });

  it('lets a non-distributable layer be absent, and reports a referrer whose subject is gone', async () => {
    const repository = store.repository('foreign');
    const config = blobOf(JSON.stringify({ os: 'windows' }));
    await repository.uploads.putBlob(chunksOf(config.content), config.digest);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: mediaTypes.ociManifest,
        config: { mediaType: mediaTypes.ociConfig, digest: config.digest, size: config.size },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
            digest: blobOf('foreign layer').digest,
            size: 13,
            urls: ['https://example.com/layer'],
          },
        ],
      }),
    );
    await repository.manifests.put('v1', mediaTypes.ociManifest, manifest);
    expect((await store.scrubImages('foreign'))[0]).toMatchObject({ status: 'ok' });

    const subject = imageOf('subject');
    const referrer = imageOf('referrer', 1, { subject: subject.descriptor });
    await pushImage(store.repository('refs'), subject, 'v1');
    await pushImage(store.repository('refs'), referrer, referrer.digest);
    await unlink(blobPath('refs', subject.digest));
    const results = await store.scrubImages('refs');
    for (const result of results)
      expect(result).toMatchObject({
        status: 'affected',
        affectedBlob: hex(subject.digest),
        error: 'blob not found',
      });
  });

  it('throws for a repository without index.json', async () => {
    await expect(store.scrubImages('nothing/here')).rejects.toThrow();
  });
});

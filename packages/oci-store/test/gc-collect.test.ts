// GC deletes exactly what it should, and nothing else: tagged, untagged, index-referenced, referrer,
// signature and deduplicated cases, on the local disk and in memory.
import { stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGcJob } from '../src/gc/gc-job.js';
import { mediaTypes } from '../src/media-types.js';
import type { Store, StoreEvent } from '../src/store-types.js';
import { blobOf, chunksOf, imageOf, makeTestStore, pushImage, storeKinds } from './fixtures.js';
import { HOUR, hasBlob, imageBlobs, indexOf, jobLater } from './gc-fixtures.js';

describe.each(storeKinds)('GC (%s)', (kind) => {
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

  it('GcJob > keeps a tagged image whole and deletes only the orphan blob', async () => {
    const repo = store.repository('app');
    const image = imageOf('tagged', 2);
    await pushImage(repo, image, 'v1');
    const orphan = blobOf('nobody references me');
    await repo.uploads.putBlob(chunksOf(orphan.content), orphan.digest);
    const { job, decisions } = jobLater(store);
    const counts = await job.runRepository('app');
    expect(counts).toMatchObject({ blob: 1, manifest: 0, upload: 0, tag: 0, reclaimedBytes: orphan.size });
    expect(decisions).toEqual([
      expect.objectContaining({ kind: 'blob', digest: orphan.digest, dryRun: false }),
    ]);
    expect(await hasBlob(repo, orphan.digest)).toBe(false);
    expect(await imageBlobs(repo, image)).toEqual([true, true, true, true]);
    expect(events.filter((event) => event.type === 'gcRun')).toEqual([
      expect.objectContaining({
        repository: 'app',
        deleted: { blob: 1, manifest: 0, upload: 0 },
        reclaimedBytes: orphan.size,
      }),
    ]);
  });

  it('GcJob > deletes an untagged manifest and its own blobs, keeping blobs a tagged image shares', async () => {
    const repo = store.repository('app');
    const kept = imageOf('kept', 1);
    const untagged = imageOf('untagged', 1, { layers: [...JSON.parse(kept.manifest.toString()).layers] });
    await pushImage(repo, kept, 'v1');
    await pushImage(repo, untagged, untagged.digest);
    const { job } = jobLater(store);
    // its manifest, its config and the layer pushImage uploaded that its manifest does not use
    expect(await job.runRepository('app')).toMatchObject({ manifest: 1, blob: 3 });
    await expect(repo.manifests.get(untagged.digest)).rejects.toMatchObject({ code: 'MANIFEST_UNKNOWN' });
    expect(await hasBlob(repo, untagged.config.digest)).toBe(false);
    expect(await imageBlobs(repo, kept)).toEqual([true, true, true]);
    expect(events).toContainEqual({ type: 'manifestDeleted', repository: 'app', digest: untagged.digest });
  });

  it('GcJob > deletes the manifest a moved tag left behind', async () => {
    const repo = store.repository('app');
    const first = imageOf('first');
    const second = imageOf('second');
    await pushImage(repo, first, 'latest');
    await pushImage(repo, second, 'latest');
    const { job } = jobLater(store);
    expect(await job.runRepository('app')).toMatchObject({ manifest: 1, blob: 3 });
    expect(await imageBlobs(repo, first)).toEqual([false, false, false]);
    expect(await imageBlobs(repo, second)).toEqual([true, true, true]);
  });

  it('GcJob > keeps untagged children of a tagged index; an untagged index goes with its children', async () => {
    const repo = store.repository('multi');
    const amd = imageOf('amd64');
    const arm = imageOf('arm64');
    await pushImage(repo, amd, amd.digest);
    await pushImage(repo, arm, arm.digest);
    const index = indexOf([amd, arm]);
    await repo.manifests.put('v1', mediaTypes.ociIndex, index.content);
    const { job } = jobLater(store);
    expect(await job.runRepository('multi')).toMatchObject({ manifest: 0, blob: 0 });
    expect([...(await imageBlobs(repo, amd)), ...(await imageBlobs(repo, arm))].every(Boolean)).toBe(true);

    await repo.manifests.delete('v1'); // the index stays, untagged
    expect(await job.runRepository('multi')).toMatchObject({ manifest: 3, blob: 7 });
    expect((await repo.tags.entries()).length).toBe(0);
    expect(await hasBlob(repo, index.digest)).toBe(false);
    expect([...(await imageBlobs(repo, amd)), ...(await imageBlobs(repo, arm))].some(Boolean)).toBe(false);
  });

  it('GcJob > keeps a referrer of a live image and deletes it once its subject is gone', async () => {
    const repo = store.repository('app');
    const image = imageOf('signed');
    await pushImage(repo, image, 'v1');
    const sbom = imageOf('sbom', 1, { artifactType: 'application/spdx+json', subject: image.descriptor });
    await pushImage(repo, sbom, sbom.digest);
    const { job, decisions } = jobLater(store);
    expect(await job.runRepository('app')).toMatchObject({ manifest: 0, blob: 0 });
    expect(await repo.referrers.list(image.digest)).toHaveLength(1);

    await repo.manifests.delete(image.digest);
    expect(await job.runRepository('app')).toMatchObject({ manifest: 1 });
    expect(decisions).toContainEqual(
      expect.objectContaining({
        kind: 'manifest',
        digest: sbom.digest,
        reason: expect.stringContaining('gone'),
      }),
    );
    expect(await imageBlobs(repo, sbom)).toEqual([false, false, false]);
  });

  it('GcJob > deleteReferrers false keeps a non-signature referrer of a gone subject', async () => {
    const repo = store.repository('app');
    const image = imageOf('subject');
    await pushImage(repo, image, 'v1');
    const artifact = imageOf('artifact', 1, {
      artifactType: 'application/x-notes',
      subject: image.descriptor,
    });
    await pushImage(repo, artifact, artifact.digest);
    await repo.manifests.delete(image.digest);
    const { job } = jobLater(store, { deleteReferrers: false, isSignature: () => false });
    expect(await job.runRepository('app')).toMatchObject({ manifest: 0 });
    expect(await imageBlobs(repo, artifact)).toEqual([true, true, true]);
    const withReferrers = jobLater(store, { deleteReferrers: true, isSignature: () => false });
    expect(await withReferrers.job.runRepository('app')).toMatchObject({ manifest: 1 });
  });

  it('GcJob > keeps a cosign .sig tag while its image lives and removes it with the image', async () => {
    const repo = store.repository('app');
    const image = imageOf('cosigned');
    await pushImage(repo, image, 'v1');
    const signatureTag = `${image.digest.replace(':', '-')}.sig`;
    const signature = imageOf('signature-payload');
    await pushImage(repo, signature, signatureTag);
    const { job } = jobLater(store, { deleteReferrers: false });
    expect(await job.runRepository('app')).toMatchObject({ manifest: 0, tag: 0 });
    expect((await repo.tags.list()).tags).toEqual([signatureTag, 'v1'].sort());

    await repo.manifests.delete(image.digest); // removes the manifest blob at once; config and layer wait for GC
    expect(await job.runRepository('app')).toMatchObject({ manifest: 1, blob: 5 });
    expect((await repo.tags.list()).tags).toEqual([]);
    expect(events).toContainEqual({
      type: 'tagDeleted',
      repository: 'app',
      tag: signatureTag,
      digest: signature.digest,
    });
  });

  it('GcJob > leaves blobs, untagged manifests and uploads younger than the delay', async () => {
    const repo = store.repository('app');
    const image = imageOf('young');
    await pushImage(repo, image, image.digest);
    const orphan = blobOf('young orphan');
    await repo.uploads.putBlob(chunksOf(orphan.content), orphan.digest);
    await repo.uploads.start();
    const job = createGcJob({ store, delayMs: HOUR });
    expect(await job.runRepository('app')).toMatchObject({ blob: 0, manifest: 0, upload: 0 });
    expect(await hasBlob(repo, orphan.digest)).toBe(true);
    const later = jobLater(store);
    expect(await later.job.runRepository('app')).toMatchObject({ blob: 4, manifest: 1, upload: 1 });
  });

  it('GcJob > a whole dry run reports every decision and deletes nothing', async () => {
    const repo = store.repository('app');
    const image = imageOf('dry');
    await pushImage(repo, image, image.digest);
    await repo.uploads.start();
    const { job, decisions } = jobLater(store, { dryRun: true });
    const counts = await job.runRepository('app');
    expect(counts).toMatchObject({
      blob: 0,
      manifest: 0,
      upload: 0,
      dryRun: { manifest: 1, blob: 3, upload: 1 },
    });
    expect(decisions.every((decision) => decision.dryRun)).toBe(true);
    expect(await imageBlobs(repo, image)).toEqual([true, true, true]);
    expect(events.some((event) => event.type === 'manifestDeleted' || event.type === 'blobDeleted')).toBe(
      false,
    );
  });

  it('GcJob > runAll covers every repository and sums the counts', async () => {
    await pushImage(store.repository('a'), imageOf('a'), imageOf('a').digest);
    await pushImage(store.repository('b/c'), imageOf('bc'), 'v1');
    const { job } = jobLater(store);
    expect(await job.runAll()).toMatchObject({ repositories: 2, manifest: 1, blob: 3, failures: [] });
  });

  // skipped on the memory driver: it writes no temp files, so there are no crash leftovers to sweep
  it.runIf(kind === 'local')('GcJob > removes crash leftovers of atomic writes once old', async () => {
    const repo = store.repository('app');
    await pushImage(repo, imageOf('leftover'), 'v1');
    const leftover = join(root, 'app', '.index.json.0123abcd.tmp');
    await writeFile(leftover, '{"torn');
    const { job, decisions } = jobLater(store);
    expect(await job.runRepository('app')).toMatchObject({ upload: 1, blob: 0 });
    expect(decisions[0]?.reason).toContain('.index.json.0123abcd.tmp');
    await expect(stat(leftover)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  // skipped on the memory driver: dedupe by hard link exists only on a real file system
  it.runIf(kind === 'local')(
    'GcJob > with dedupe, deleting one repository copy never breaks another',
    async () => {
      const shared = imageOf('shared');
      const a = store.repository('team-a/app');
      const b = store.repository('team-b/app');
      await pushImage(a, shared, 'v1');
      await pushImage(b, shared, 'v1');
      const layerPath = (repository: string) =>
        join(root, repository, 'blobs/sha256', shared.layers[0]?.digest.slice(7) ?? '');
      expect((await stat(layerPath('team-b/app'))).nlink).toBe(2);
      await a.manifests.delete(shared.digest);
      const { job } = jobLater(store);
      expect(await job.runRepository('team-a/app')).toMatchObject({ blob: 2 }); // config and layer
      expect((await stat(layerPath('team-b/app'))).nlink).toBe(1);
      const layer = shared.layers[0];
      if (!layer) throw new Error('no layer');
      const pulled: Buffer[] = [];
      for await (const chunk of await b.blobs.read(layer.digest)) pulled.push(chunk as Buffer);
      expect(Buffer.concat(pulled).equals(layer.content)).toBe(true);
      expect(await store.scrub()).toMatchObject({ findings: [] });
    },
  );

  // skipped on the memory driver: the old file mtime that a hard link inherits exists only on disk
  it.runIf(kind === 'local')('GcJob > a blob deduplicated from an old copy counts as young', async () => {
    const a = store.repository('old');
    const image = imageOf('dedupe-age');
    await pushImage(a, image, 'v1');
    const layer = image.layers[0];
    if (!layer) throw new Error('no layer');
    const longAgo = new Date(Date.now() - 3 * HOUR);
    await utimes(join(root, 'old/blobs/sha256', layer.digest.slice(7)), longAgo, longAgo);
    const b = store.repository('new');
    await b.uploads.putBlob(chunksOf(layer.content), layer.digest); // a hard link: the inode's mtime stays old
    const job = createGcJob({ store, delayMs: HOUR });
    expect(await job.runRepository('new')).toMatchObject({ blob: 0 });
    expect(await hasBlob(b, layer.digest)).toBe(true);
  });
});

// Store > maxRepositories (zot's storage.maxRepos): what counts as a repository, and what is refused.
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QuotaRefusal } from '../src/repository-quota.js';
import { createStore } from '../src/store.js';
import { blobOf, chunksOf, imageOf, ociErrorWith, pushImage, temporaryDirectory } from './fixtures.js';

describe('Store > maxRepositories', () => {
  let root: string;
  let remove: () => Promise<void>;
  beforeEach(async () => {
    ({ path: root, remove } = await temporaryDirectory());
  });
  afterEach(() => remove());

  it('refuses the manifest creating one repository too many with TOOMANYREQUESTS {limit} and tells onQuotaRefused', async () => {
    const refusals: QuotaRefusal[] = [];
    const store = createStore({
      rootDirectory: root,
      maxRepositories: 2,
      onQuotaRefused: (r) => refusals.push(r),
    });
    await pushImage(store.repository('a'), imageOf('a'), 'v1');
    await pushImage(store.repository('b'), imageOf('b'), 'v1');
    const refused = pushImage(store.repository('c'), imageOf('c'), 'v1');
    await expect(refused).rejects.toThrow(ociErrorWith('TOOMANYREQUESTS'));
    await expect(refused).rejects.toMatchObject({ detail: { limit: '2' } });
    expect(refusals).toEqual([{ repository: 'c', current: 2, limit: 2 }]);
    // existing repositories take more
    await pushImage(store.repository('a'), imageOf('a2'), 'v2');
  });

  it('does not count names that only hold blobs, nor repositories whose manifests were all deleted', async () => {
    const store = createStore({ rootDirectory: root, maxRepositories: 1 });
    const blob = blobOf('just a blob');
    await store.repository('blobs-only').uploads.putBlob(chunksOf(blob.content), blob.digest);
    const image = imageOf('first');
    await pushImage(store.repository('first'), image, 'v1');
    await expect(pushImage(store.repository('blobs-only'), imageOf('x'), 'v1')).rejects.toThrow(
      ociErrorWith('TOOMANYREQUESTS'),
    );
    await store.repository('first').manifests.delete(image.digest);
    await pushImage(store.repository('blobs-only'), imageOf('x'), 'v1');
  });

  it('counts what is on disk when it starts, across storage roots', async () => {
    const subRoot = `${root}-sub`;
    const options = { rootDirectory: root, subPaths: { '/team': { rootDirectory: subRoot } } };
    const before = createStore(options);
    await pushImage(before.repository('plain'), imageOf('plain'), 'v1');
    await pushImage(before.repository('team/app'), imageOf('team'), 'v1');
    const after = createStore({ ...options, maxRepositories: 2 });
    await expect(pushImage(after.repository('team/new'), imageOf('new'), 'v1')).rejects.toThrow(
      ociErrorWith('TOOMANYREQUESTS'),
    );
    await pushImage(after.repository('team/app'), imageOf('team2'), 'v2');
    await rm(subRoot, { recursive: true, force: true });
  });
});

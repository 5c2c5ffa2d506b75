import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedIndexView } from './index-cache.js';
import { createLocalDriver } from './local-driver.js';
import { createMemoryDriver } from './memory-driver.js';
import { emptyIndex, readIndex, readIndexView, writeIndex } from './oci-index.js';
import type { StorageDriver } from './storage-driver.js';

const digestA = `sha256:${'a'.repeat(64)}`;
const digestB = `sha256:${'b'.repeat(64)}`;
const mediaType = 'application/vnd.oci.image.manifest.v1+json';
const tagged = (digest: string, tag: string) => ({
  mediaType,
  digest,
  size: 10,
  annotations: { 'org.opencontainers.image.ref.name': tag },
});
const indexText = (...manifests: unknown[]) => JSON.stringify({ schemaVersion: 2, manifests });

describe('index.json cache', () => {
  let root: string;
  let driver: StorageDriver;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'index-cache-'));
    driver = createLocalDriver({ rootDirectory: root });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('readIndexView > parses a version of the file once: a second read returns the same view', async () => {
    await driver.putContent('repo/index.json', indexText(tagged(digestA, 'v1')));
    const first = await readIndexView(driver, 'repo');
    const second = await readIndexView(driver, 'repo');
    expect(second).toBe(first);
    expect(first?.byTag('v1')?.digest).toBe(digestA);
    expect(first?.byDigest(digestA)?.size).toBe(10);
  });

  it('readIndexView > sees a replacement written by another writer, even of the same size', async () => {
    await driver.putContent('repo/index.json', indexText(tagged(digestA, 'v1')));
    expect((await readIndexView(driver, 'repo'))?.byTag('v1')?.digest).toBe(digestA);
    // another driver on the same root stands for another process or a hand edit: no invalidation reaches us
    const other = createLocalDriver({ rootDirectory: root });
    await other.putContent('repo/index.json', indexText(tagged(digestB, 'v1')));
    expect((await readIndexView(driver, 'repo'))?.byTag('v1')?.digest).toBe(digestB);
  });

  it('readIndexView > undefined for a repository without index.json', async () => {
    expect(await readIndexView(driver, 'missing')).toBeUndefined();
  });

  it('readIndex > returns a copy: changing it leaves what other readers see as it was', async () => {
    await driver.putContent('repo/index.json', indexText(tagged(digestA, 'v1')));
    const copy = await readIndex(driver, 'repo');
    copy?.manifests.push(tagged(digestB, 'v2'));
    const annotations = copy?.manifests[0]?.annotations;
    if (annotations !== undefined) annotations['org.opencontainers.image.ref.name'] = 'changed';
    const view = await readIndexView(driver, 'repo');
    expect(view?.index.manifests).toHaveLength(1);
    expect(view?.byTag('v1')?.digest).toBe(digestA);
  });

  it('writeIndex > the next reader sees what was written, and a later change of the written object does not leak in', async () => {
    for (const store of [driver, createMemoryDriver()]) {
      const index = emptyIndex();
      index.manifests.push(tagged(digestA, 'v1'));
      await writeIndex(store, 'repo', index);
      index.manifests.push(tagged(digestB, 'v2'));
      const view = await readIndexView(store, 'repo');
      expect(view?.byTag('v1')?.digest).toBe(digestA);
      expect(view?.byTag('v2')).toBeUndefined();
    }
  });

  it('writeIndex > keeps the view of the version it replaced, so readers of either version parse nothing', async () => {
    const index = emptyIndex();
    index.manifests.push(tagged(digestA, 'v1'));
    await writeIndex(driver, 'repo', index);
    const oldVersion = (await driver.stat('repo/index.json'))?.version;
    const oldView = await readIndexView(driver, 'repo');
    index.manifests.push(tagged(digestB, 'v2'));
    await writeIndex(driver, 'repo', index);
    const newVersion = (await driver.stat('repo/index.json'))?.version;
    expect(newVersion).not.toBe(oldVersion);
    // the version putContent reported is the one a stat gives: the new view is cached under it
    expect(cachedIndexView(driver, 'repo', newVersion ?? '')?.byTag('v2')?.digest).toBe(digestB);
    expect(cachedIndexView(driver, 'repo', oldVersion ?? '')).toBe(oldView);
  });

  it('readIndexView > readers of one new version share one read of the file', async () => {
    await driver.putContent('repo/index.json', indexText(tagged(digestA, 'v1')));
    let reads = 0;
    const counting: StorageDriver = {
      ...driver,
      getContent: (path) => {
        reads += 1;
        return driver.getContent(path);
      },
    };
    const views = await Promise.all(Array.from({ length: 8 }, () => readIndexView(counting, 'repo')));
    expect(reads).toBe(1);
    expect(new Set(views).size).toBe(1);
    expect(views[0]?.byTag('v1')?.digest).toBe(digestA);
  });

  it('byTag > answers the first entry carrying the tag, as a scan of the list does', async () => {
    await driver.putContent('repo/index.json', indexText(tagged(digestA, 'v1'), tagged(digestB, 'v1')));
    expect((await readIndexView(driver, 'repo'))?.byTag('v1')?.digest).toBe(digestA);
  });
});

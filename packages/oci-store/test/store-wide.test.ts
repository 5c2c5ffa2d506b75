import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore } from '../src/store.js';
import type { Store } from '../src/store-types.js';
import { blobOf, chunksOf, imageOf, pushImage, temporaryDirectory } from './fixtures.js';

describe('store on the local disk', () => {
  let root: string;
  let remove: () => Promise<void>;
  let store: Store;
  beforeEach(async () => {
    ({ path: root, remove } = await temporaryDirectory());
    store = createStore({ rootDirectory: root });
  });
  afterEach(() => remove());

  it('Store > catalog > lists nested repositories sorted, paginated', async () => {
    const image = imageOf('cat');
    for (const name of ['zeta', 'alpha/beta', 'alpha', 'alpha/beta/gamma', 'mid'])
      await pushImage(store.repository(name), image, 'v1');
    expect(await store.catalog()).toEqual({
      repositories: ['alpha', 'alpha/beta', 'alpha/beta/gamma', 'mid', 'zeta'],
    });
    expect(await store.catalog({ n: 2 })).toEqual({
      repositories: ['alpha', 'alpha/beta'],
      next: 'alpha/beta',
    });
    expect(await store.catalog({ n: 2, last: 'alpha/beta' })).toEqual({
      repositories: ['alpha/beta/gamma', 'mid'],
      next: 'mid',
    });
  });

  it('Store > catalog > stays fast with thousands of repositories', async () => {
    const { mkdir } = await import('node:fs/promises');
    await Promise.all(
      Array.from({ length: 600 }, async (_, i) => {
        const dir = join(root, `org${i % 20}`, `repo${i}`);
        await mkdir(join(dir, 'blobs/sha256'), { recursive: true });
        await writeFile(join(dir, 'index.json'), '{"schemaVersion":2,"manifests":null}');
      }),
    );
    const started = performance.now();
    const page = await createStore({ rootDirectory: root }).catalog({ n: 100 }); // about 40 ms per 1000 here
    const elapsed = performance.now() - started;
    expect(page.repositories).toHaveLength(100);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('dedupe > an identical blob in two repositories is one inode; without dedupe, two', async () => {
    const blob = blobOf('dedupe me');
    await store.repository('one').uploads.putBlob(chunksOf(blob.content), blob.digest);
    await store.repository('two').uploads.putBlob(chunksOf(blob.content), blob.digest);
    const hex = blob.digest.slice(7);
    const [a, b] = await Promise.all(
      ['one', 'two'].map((name) => stat(join(root, name, 'blobs/sha256', hex))),
    );
    expect(a?.ino).toBe(b?.ino);
    const plain = createStore({ rootDirectory: root, dedupe: false });
    await plain.repository('three').uploads.putBlob(chunksOf(blob.content), blob.digest);
    expect((await stat(join(root, 'three/blobs/sha256', hex))).ino).not.toBe(a?.ino);
  });

  it('UploadStore > resumes an upload after a restart by re-hashing the partial file', async () => {
    const blob = blobOf(Buffer.alloc(1_500_000, 'r'));
    const { uploadSessionId } = await store.repository('app').uploads.start();
    await store
      .repository('app')
      .uploads.append(uploadSessionId, chunksOf(blob.content.subarray(0, 700_000)));
    const restarted = createStore({ rootDirectory: root }).repository('app');
    expect((await restarted.uploads.status(uploadSessionId)).offset).toBe(700_000);
    await restarted.uploads.append(uploadSessionId, chunksOf(blob.content.subarray(700_000)), {
      offset: 700_000,
    });
    expect(await restarted.uploads.finish(uploadSessionId, blob.digest)).toEqual({
      digest: blob.digest,
      size: blob.size,
    });
  });

  it('Store > scrub > reports a corrupted blob and a missing one, clean otherwise', async () => {
    const image = imageOf('scrub', 2);
    await pushImage(store.repository('app'), image, 'v1');
    expect((await store.scrub()).findings).toEqual([]);
    const [first, second] = image.layers;
    await writeFile(join(root, 'app/blobs/sha256', first?.digest.slice(7) ?? ''), 'corrupt');
    const { rm } = await import('node:fs/promises');
    await rm(join(root, 'app/blobs/sha256', second?.digest.slice(7) ?? ''));
    const report = await store.scrub();
    expect(report).toMatchObject({ repositories: 1, manifestsChecked: 1, blobsChecked: 3 });
    expect(
      report.findings.map((finding) => [finding.kind, finding.digest, finding.problem.split(' ')[0]]).sort(),
    ).toEqual(
      [
        ['blob', first?.digest, 'content'],
        ['blob', second?.digest, 'missing'],
      ].sort(),
    );
  });

  it('subPaths > repositories under a prefix live in their own root, and the catalog merges both', async () => {
    const other = await temporaryDirectory();
    try {
      const routed = createStore({
        rootDirectory: root,
        subPaths: { '/team': { rootDirectory: other.path } },
      });
      const image = imageOf('sub');
      await pushImage(routed.repository('team/app'), image, 'v1');
      await pushImage(routed.repository('teammate'), image, 'v1');
      expect((await stat(join(other.path, 'team/app/index.json'))).isFile()).toBe(true);
      expect((await stat(join(root, 'teammate/index.json'))).isFile()).toBe(true);
      expect((await routed.catalog()).repositories).toEqual(['team/app', 'teammate']);
      // mount across roots copies the bytes
      expect(await routed.repository('teammate2').blobs.mount(image.config.digest, 'team/app')).toBe(true);
    } finally {
      await other.remove();
    }
  });

  it('reads a storage directory written by zot (manifests: null, extra fields kept)', async () => {
    const image = imageOf('zot');
    await pushImage(store.repository('legacy'), image, 'v1');
    const indexPath = join(root, 'legacy/index.json');
    const { readFile } = await import('node:fs/promises');
    const index = JSON.parse(await readFile(indexPath, 'utf8'));
    await writeFile(
      indexPath,
      JSON.stringify({ schemaVersion: 2, manifests: index.manifests, annotations: { x: 'y' } }),
    );
    const fresh = createStore({ rootDirectory: root });
    expect((await fresh.repository('legacy').tags.list()).tags).toEqual(['v1']);
    await pushImage(fresh.repository('legacy'), image, 'v2');
    expect(JSON.parse(await readFile(indexPath, 'utf8')).annotations).toEqual({ x: 'y' });
    await writeFile(join(root, 'empty-index.json'), '');
    await writeFile(indexPath, '{"schemaVersion":2,"manifests":null}');
    expect((await fresh.repository('legacy').tags.list()).tags).toEqual([]);
  });
});

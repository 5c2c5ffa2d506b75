// RepoMetaStore.changeMarker (read by the search API's record cache): it moves with every write of repositories,
// images or preferences, and stays put while nothing is written. LMDB's is the last committed transaction id,
// which a second handle on the same file sees move too.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMemoryMetaStore,
  imageMetaOfManifest,
  type MetaStore,
  manifestMetaOf,
} from '@zot-ts/metastore';
import { afterAll, describe, expect, it } from 'vitest';
import { createLmdbMetaStore } from '../src/index.js';

const directories: string[] = [];
afterAll(async () => {
  await Promise.all(directories.map((d) => rm(d, { recursive: true, force: true })));
});

const image = imageMetaOfManifest(
  manifestMetaOf({
    digest: `sha256:${'a'.repeat(64)}`,
    size: 10,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    manifest: { layers: [] },
    config: { os: 'linux', architecture: 'amd64' },
  }),
);

async function expectMarkerFollowsWrites(store: MetaStore, other?: MetaStore): Promise<void> {
  const marker = () => store.repos.changeMarker?.();
  const first = marker();
  expect(typeof first).toBe('number');
  await store.repos.listRepoMetas();
  expect(marker()).toBe(first);
  await store.repos.setRepoReference('app', 'v1', image, { at: new Date() });
  const afterPush = marker();
  expect(afterPush).not.toBe(first);
  await store.userPrefs.toggleStar('alice', 'app');
  expect(marker()).not.toBe(afterPush);
  if (other !== undefined) {
    const before = marker();
    await other.repos.recordDownload('app', 'v1', new Date());
    expect(marker()).not.toBe(before);
  }
}

describe('RepoMetaStore.changeMarker', () => {
  it('memory: moves with every write', async () => {
    await expectMarkerFollowsWrites(createMemoryMetaStore());
  });

  it('LMDB: moves with every commit, also those of another handle on the same file', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'metadb-marker-'));
    directories.push(directory);
    const path = join(directory, 'meta.lmdb');
    const store = await createLmdbMetaStore({ path, noSync: true });
    const other = await createLmdbMetaStore({ path, noSync: true });
    try {
      await expectMarkerFollowsWrites(store, other);
    } finally {
      await other.close();
      await store.close();
    }
  });
});

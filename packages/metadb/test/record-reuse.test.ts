// The LMDB backend keeps the repository record a write put decoded, for the next write (lmdb-repo-backend.ts).
// What must hold: every write starts from what is stored, never from a kept object that is stale (another
// handle wrote since, a write threw after changing the record), and the answers equal a fresh decode.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageMetaOfManifest, type MetaStore, manifestMetaOf } from '@zot-ts/metastore';
import { afterAll, describe, expect, it } from 'vitest';
import { createLmdbMetaStore } from '../src/index.js';

const directories: string[] = [];
afterAll(async () => {
  await Promise.all(directories.map((d) => rm(d, { recursive: true, force: true })));
});

const imageOf = (n: number) =>
  imageMetaOfManifest(
    manifestMetaOf({
      digest: `sha256:${n.toString(16).padStart(64, '0')}`,
      size: 100 + n,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      manifest: { layers: [{ digest: `sha256:${(n + 1000).toString(16).padStart(64, '0')}`, size: n }] },
      config: { os: 'linux', architecture: 'amd64' },
    }),
  );

async function twoHandles(): Promise<{ store: MetaStore; other: MetaStore; close: () => Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), 'metadb-reuse-'));
  directories.push(directory);
  const path = join(directory, 'meta.lmdb');
  const store = await createLmdbMetaStore({ path, noSync: true });
  const other = await createLmdbMetaStore({ path, noSync: true });
  return { store, other, close: async () => void (await Promise.all([store.close(), other.close()])) };
}

describe('LMDB repository record reuse between writes', () => {
  it('a write of another handle in between is not lost', async () => {
    const { store, other, close } = await twoHandles();
    try {
      await store.repos.setRepoReference('app', 'v1', imageOf(1), { at: new Date(1000) });
      await other.repos.setRepoReference('app', 'v2', imageOf(2), { at: new Date(2000) });
      // `store` kept the record it put (v1 only); the stored one has v2 too, so it must decode that
      await store.repos.setRepoReference('app', 'v3', imageOf(3), { at: new Date(3000) });
      const repo = await other.repos.getRepoMeta('app');
      expect(Object.keys(repo?.tags ?? {}).sort()).toEqual(['v1', 'v2', 'v3']);
      // each image counts its manifest (100 + n bytes) and its layer (n bytes)
      expect(repo?.size).toBe(101 + 102 + 103 + 1 + 2 + 3);
    } finally {
      await close();
    }
  });

  it('many writes through one handle give what a fresh decode gives', async () => {
    const { store, other, close } = await twoHandles();
    try {
      for (let n = 1; n <= 50; n++)
        await store.repos.setRepoReference('app', `t${n}`, imageOf(n), { at: new Date(n * 1000) });
      await store.repos.recordDownload('app', 't7', new Date(99_000), 3);
      await store.repos.removeRepoReference('app', 't5', imageOf(5).digest);
      const mine = await store.repos.getRepoMeta('app');
      const fresh = await other.repos.getRepoMeta('app');
      expect(mine).toEqual(fresh);
      expect(Object.keys(fresh?.tags ?? {})).toHaveLength(49);
      expect(fresh?.downloadCount).toBe(3);
      expect(fresh?.lastUpdated?.tag).toBe('t50');
    } finally {
      await close();
    }
  });

  it('reads hand out their own objects: changing one changes neither the store nor the next write', async () => {
    const { store, close } = await twoHandles();
    try {
      await store.repos.setRepoReference('app', 'v1', imageOf(1), { at: new Date(1000) });
      const read = await store.repos.getRepoMeta('app');
      if (read) read.tags.bogus = { digest: 'sha256:x', mediaType: 'x', taggedAt: new Date() };
      await store.repos.setRepoReference('app', 'v2', imageOf(2), { at: new Date(2000) });
      expect(Object.keys((await store.repos.getRepoMeta('app'))?.tags ?? {}).sort()).toEqual(['v1', 'v2']);
    } finally {
      await close();
    }
  });
});

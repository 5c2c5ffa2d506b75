import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
// The shared suite lives in packages/metastore; every MetaStore implementation runs it.
import { describeMetaStoreContract } from '../../metastore/test/meta-store-contract.js';
import { createLmdbMetaStore } from '../src/index.js';

const directories: string[] = [];
afterAll(async () => {
  await Promise.all(directories.map((d) => rm(d, { recursive: true, force: true })));
});

describeMetaStoreContract('LmdbMetaStore', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'metadb-'));
  directories.push(directory);
  return createLmdbMetaStore({ path: join(directory, '_zot-ts-meta.lmdb'), noSync: true });
});

describeMetaStoreContract('LmdbMetaStore with batched pulls', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'metadb-'));
  directories.push(directory);
  return createLmdbMetaStore({ path: join(directory, '_zot-ts-meta.lmdb'), noSync: true, pullSettleMs: 50 });
});

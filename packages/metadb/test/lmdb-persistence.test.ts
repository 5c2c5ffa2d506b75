import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createFileMetaStore, MetaStoreError } from '@zot-ts/metastore';
import { open } from 'lmdb';
import { afterAll, describe, expect, it } from 'vitest';
import { image } from '../../metastore/test/repo-meta-contract.js';
import { createLmdbMetaStore, metadbPathsUnder, SCHEMA_VERSION } from '../src/index.js';

const directories: string[] = [];
async function freshRoot(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'metadb-'));
  directories.push(directory);
  return directory;
}
afterAll(async () => {
  await Promise.all(directories.map((d) => rm(d, { recursive: true, force: true })));
});
const digest = (c: string) => `sha256:${c.repeat(64)}`;

describe('LmdbMetaStore persistence', () => {
  it('reopening the file restores every collection, repository metadata and user prefs, with real Dates', async () => {
    const { path } = metadbPathsUnder(await freshRoot());
    const first = await createLmdbMetaStore({ path });
    await first.users.upsert('alice', { groups: ['dev'] });
    await first.tagTimes.recordPush('app', 'v1', digest('a'), new Date('2025-01-01T00:00:00Z'));
    await first.repos.setRepoReference('app', 'v1', image('a', { created: '2024-01-01T00:00:00Z' }), {
      at: new Date('2025-01-01T00:00:00Z'),
      pushedBy: 'alice',
    });
    await first.userPrefs.toggleStar('alice', 'app');
    await first.storageSync.set('app', 'fp-1');
    await first.close();

    const second = await createLmdbMetaStore({ path });
    expect((await second.users.get('alice'))?.createdAt).toBeInstanceOf(Date);
    expect((await second.tagTimes.list('app'))[0]?.pushedAt).toBeInstanceOf(Date);
    const repo = await second.repos.getRepoMeta('app');
    expect(repo?.tags.v1?.taggedAt).toBeInstanceOf(Date);
    expect(repo?.lastUpdated?.at.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(repo?.statistics[digest('a')]?.pushedBy).toBe('alice');
    expect(repo?.starCount).toBe(1);
    expect(await second.userPrefs.starredRepositories('alice')).toEqual(['app']);
    expect(await second.storageSync.all()).toEqual(new Map([['app', 'fp-1']]));
    await second.close();
  });

  it('batched pulls are all counted, and close writes the ones still waiting', async () => {
    const { path } = metadbPathsUnder(await freshRoot());
    const first = await createLmdbMetaStore({ path, pullSettleMs: 60_000 });
    await first.tagTimes.recordPush('app', 'v1', digest('a'), new Date());
    for (let i = 0; i < 100; i++)
      void first.tagTimes.recordPull('app', i % 2 ? 'v1' : digest('a'), new Date());
    await first.close();
    const second = await createLmdbMetaStore({ path });
    expect((await second.tagTimes.list('app'))[0]?.pullCount).toBe(100);
    await second.close();
  });

  it('refuses a database written by a newer schema with CORRUPT', async () => {
    const { path } = metadbPathsUnder(await freshRoot());
    const raw = open({ path, maxDbs: 16 });
    const meta = raw.openDB({ name: 'meta', encoding: 'msgpack' } as never);
    await meta.put('schemaVersion', SCHEMA_VERSION + 1);
    await raw.close();
    const error = await createLmdbMetaStore({ path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetaStoreError);
    expect((error as MetaStoreError).code).toBe('CORRUPT');
  });

  it('rejects calls after close with CLOSED', async () => {
    const store = await createLmdbMetaStore({ path: metadbPathsUnder(await freshRoot()).path });
    await store.close();
    await expect(store.users.upsert('x', { groups: [] })).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(store.repos.listRepoMetas()).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

describe("migration from the first wave's .zot-ts-meta directory", () => {
  it('imports every collection once, from a directory written by the file store', async () => {
    const root = await freshRoot();
    const paths = metadbPathsUnder(root);
    const old = await createFileMetaStore({ directory: paths.migrateFrom });
    await old.users.upsert('alice', { groups: ['dev', 'ops'] });
    await old.apiKeys.create({
      id: 'k1',
      username: 'alice',
      hashedKey: 'f'.repeat(64),
      label: 'ci',
      scopes: ['app/**:read'],
      credentialScopes: [{ repositories: ['app/**'], actions: ['read'] }],
      createdAt: new Date('2025-01-01T00:00:00Z'),
      expiresAt: new Date('2030-01-01T00:00:00Z'),
      creatorUserAgent: 'test',
      generatedBy: 'manual',
    });
    await old.sessions.create({
      id: 's1',
      username: 'alice',
      groups: ['dev'],
      method: 'basic',
      createdAt: new Date('2025-01-01T00:00:00Z'),
      expiresAt: new Date('2099-01-01T00:00:00Z'),
    });
    await old.tagTimes.recordPush('app', 'v1', digest('a'), new Date('2025-01-01T00:00:00Z'));
    await old.tagTimes.recordPull('app', 'v1', new Date('2025-01-02T00:00:00Z'));
    await old.signatureResults.put({
      manifestDigest: digest('a'),
      checkedAt: new Date('2025-01-03T00:00:00Z'),
      verified: true,
      signatures: [{ tool: 'cosign', verified: true, signer: 'key-1' }],
    });
    await old.close();

    const store = await createLmdbMetaStore(paths);
    expect(store.migration).toEqual({ migrated: true, records: 5 });
    expect((await store.users.get('alice'))?.groups).toEqual(['dev', 'ops']);
    const key = await store.apiKeys.findByHash('f'.repeat(64));
    expect(key?.expiresAt).toEqual(new Date('2030-01-01T00:00:00Z'));
    expect(key?.credentialScopes).toEqual([{ repositories: ['app/**'], actions: ['read'] }]);
    expect((await store.sessions.get('s1'))?.groups).toEqual(['dev']);
    expect(await store.tagTimes.list('app')).toEqual([
      expect.objectContaining({ tag: 'v1', pullCount: 1, lastPulledAt: new Date('2025-01-02T00:00:00Z') }),
    ]);
    expect((await store.signatureResults.get(digest('a')))?.signatures[0]?.signer).toBe('key-1');
    // a change after the migration is not undone by the next start
    await store.users.upsert('alice', { groups: ['admins'] });
    await store.close();

    const again = await createLmdbMetaStore(paths);
    expect(again.migration.migrated).toBe(false);
    expect((await again.users.get('alice'))?.groups).toEqual(['admins']);
    await again.close();
  });

  it('a root without the old directory starts empty', async () => {
    const store = await createLmdbMetaStore(metadbPathsUnder(await freshRoot()));
    expect(store.migration).toEqual({ migrated: false, records: 0 });
    await store.close();
  });
});

describe('several processes on one file', () => {
  it('loses no update when two processes count pulls of the same tag at once', async () => {
    const { path } = metadbPathsUnder(await freshRoot());
    const store = await createLmdbMetaStore({ path });
    await store.tagTimes.recordPush('app', 'v1', digest('a'), new Date());
    const child = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'count-pulls.ts'), path, '300'],
      { cwd: join(import.meta.dirname, '..') },
    );
    for (let i = 0; i < 300; i++) await store.tagTimes.recordPull('app', 'v1', new Date());
    await child;
    expect((await store.tagTimes.list('app'))[0]?.pullCount).toBe(600);
    await store.close();
  });
});

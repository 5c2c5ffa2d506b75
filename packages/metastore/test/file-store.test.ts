import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileMetaStore, MetaStoreError } from '../src/index.js';
import { describeMetaStoreContract } from './meta-store-contract.js';

const directories: string[] = [];
async function freshDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'metastore-'));
  directories.push(directory);
  return join(directory, '.zot-ts-meta');
}
afterAll(async () => {
  await Promise.all(directories.map((d) => rm(d, { recursive: true, force: true })));
});

describeMetaStoreContract('FileMetaStore', async () =>
  createFileMetaStore({ directory: await freshDirectory() }),
);

describe('FileMetaStore persistence', () => {
  it('reopening the directory restores every collection with real Dates', async () => {
    const directory = await freshDirectory();
    const first = await createFileMetaStore({ directory });
    await first.users.upsert('alice', { groups: ['dev'] });
    await first.apiKeys.create({
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
    await first.sessions.create({
      id: 's1',
      username: 'alice',
      groups: [],
      method: 'basic',
      createdAt: new Date('2025-01-01T00:00:00Z'),
      expiresAt: new Date('2099-01-01T00:00:00Z'),
    });
    await first.tagTimes.recordPush(
      'app',
      'v1',
      `sha256:${'1'.repeat(64)}`,
      new Date('2025-01-01T00:00:00Z'),
    );
    await first.close();

    const second = await createFileMetaStore({ directory });
    expect((await second.users.get('alice'))?.groups).toEqual(['dev']);
    const key = await second.apiKeys.findByHash('f'.repeat(64));
    expect(key?.expiresAt).toBeInstanceOf(Date);
    expect(key?.credentialScopes).toEqual([{ repositories: ['app/**'], actions: ['read'] }]);
    expect((await second.sessions.get('s1'))?.username).toBe('alice');
    expect((await second.tagTimes.list('app'))[0]?.pushedAt).toBeInstanceOf(Date);
    await second.close();
  });

  it('coalesces a burst of writes and leaves no temporary files behind', async () => {
    const directory = await freshDirectory();
    const store = await createFileMetaStore({ directory });
    await store.tagTimes.recordPush('app', 'v1', `sha256:${'1'.repeat(64)}`, new Date());
    await Promise.all(Array.from({ length: 200 }, () => store.tagTimes.recordPull('app', 'v1', new Date())));
    await store.close();
    const files = await readdir(directory);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const saved = JSON.parse(await readFile(join(directory, 'tag-times.json'), 'utf8'));
    expect(saved.records[0].pullCount).toBe(200);
  });

  it('with a settle time, changes spread over the window share one write, and close still writes them', async () => {
    const directory = await freshDirectory();
    const writes: string[] = [];
    const store = await createFileMetaStore({
      directory,
      settleMs: { tagTimes: 150 },
      onPersisted: (collection) => writes.push(collection),
    });
    const pulls: Promise<void>[] = [
      store.tagTimes.recordPush('app', 'v1', `sha256:${'1'.repeat(64)}`, new Date()),
    ];
    for (let i = 0; i < 10; i++) {
      pulls.push(store.tagTimes.recordPull('app', 'v1', new Date()));
      await new Promise((done) => setTimeout(done, 10)); // pulls trickle in, not in one burst
    }
    await Promise.all(pulls);
    expect(writes).toEqual(['tagTimes']);
    await store.users.upsert('alice', { groups: [] }); // no settle time for users: written at once
    expect(writes).toEqual(['tagTimes', 'users']);
    void store.tagTimes.recordPull('app', 'v1', new Date());
    await store.close();
    const saved = JSON.parse(await readFile(join(directory, 'tag-times.json'), 'utf8'));
    expect(saved.records[0].pullCount).toBe(11);
  });

  it('refuses a corrupt file with CORRUPT instead of starting empty', async () => {
    const directory = await freshDirectory();
    const store = await createFileMetaStore({ directory });
    await store.close();
    await writeFile(join(directory, 'api-keys.json'), '{"version":1,"records":');
    const error = await createFileMetaStore({ directory }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetaStoreError);
    expect((error as MetaStoreError).code).toBe('CORRUPT');
  });

  it('rejects writes after close with CLOSED', async () => {
    const store = await createFileMetaStore({ directory: await freshDirectory() });
    await store.close();
    await expect(store.users.upsert('x', { groups: [] })).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

// Issue 14: GC and retention through the real server keep the metadata database in step: a tag retention
// deletes leaves RepoMeta, and so do the statistics of the manifest GC then removes.
import { afterEach, describe, expect, it } from 'vitest';
import { gcFeatureOf, gcImage, HOUR, movableClock, pushImage, tagsOf } from './gc-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';
import { repoMetaOf } from './metadata-fixtures.js';

let registry: TestRegistry | undefined;
afterEach(async () => {
  await registry?.dispose();
  registry = undefined;
});

describe('metadata database and GC', () => {
  it('a tag deleted by retention and the manifest GC collects leave RepoMeta', async () => {
    const clock = movableClock();
    registry = await startTestRegistry(
      {
        storage: {
          gc: true,
          gcDelay: '1h',
          gcInterval: '1h',
          retention: { policies: [{ repositories: ['**'], keepTags: [{ mostRecentlyPushedCount: 1 }] }] },
        },
      },
      { now: clock.now },
    );
    const gc = gcFeatureOf(registry);
    await gc.gc.runNow(); // the start-up pass over the empty store
    const older = gcImage('meta-older');
    const newer = gcImage('meta-newer');
    await pushImage(registry.url, 'ret/app', older, 'v1');
    clock.advance(60_000);
    await pushImage(registry.url, 'ret/app', newer, 'v2');
    await gc.gc.tagTimes.flush();
    expect(Object.keys((await repoMetaOf(registry, 'ret/app'))?.tags ?? {}).sort()).toEqual(['v1', 'v2']);

    clock.advance(2 * HOUR);
    await gc.gc.runNow();
    expect(await tagsOf(registry.url, 'ret/app')).toEqual(['v2']);
    const app = await repoMetaOf(registry, 'ret/app');
    expect(Object.keys(app?.tags ?? {})).toEqual(['v2']);
    expect(Object.keys(app?.statistics ?? {})).toEqual([newer.digest]);
  });
});

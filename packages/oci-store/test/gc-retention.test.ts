// Retention policies (zot's storage.retention) with an injected clock and fake tag times.
import { beforeEach, describe, expect, it } from 'vitest';
import { createGcJob } from '../src/gc/gc-job.js';
import type { GcDecision, KeepTagsRule, RetentionOptions, TagTimes } from '../src/gc/gc-types.js';
import type { Store } from '../src/store-types.js';
import { blobOf, chunksOf, imageOf, makeTestStore, pushImage } from './fixtures.js';
import { HOUR, hasBlob } from './gc-fixtures.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const ago = (hours: number) => new Date(NOW.getTime() - hours * HOUR);

interface Times {
  pushed: number;
  pulled?: number;
}

describe('retention', () => {
  let store: Store;
  let times: Map<
    string,
    { repository: string; tag: string; digest: string; pushedAt: Date; pulledAt?: Date }
  >;
  const tagTimes: TagTimes = {
    list: async (repository) => [...times.values()].filter((record) => record.repository === repository),
  };
  beforeEach(async () => {
    ({ store } = await makeTestStore('memory'));
    times = new Map();
  });

  /** Pushes one image per tag and records its push (and pull) time, in hours before NOW. */
  async function pushTags(repository: string, tags: Record<string, Times>): Promise<void> {
    for (const [tag, { pushed, pulled }] of Object.entries(tags)) {
      const image = imageOf(`${repository}:${tag}`);
      await pushImage(store.repository(repository), image, tag);
      times.set(`${repository}:${tag}`, {
        repository,
        tag,
        digest: image.digest,
        pushedAt: ago(pushed),
        ...(pulled !== undefined ? { pulledAt: ago(pulled) } : {}),
      });
    }
  }

  async function runWith(retention: RetentionOptions, repository = 'app', withTimes = true) {
    const decisions: GcDecision[] = [];
    const job = createGcJob({
      store,
      delayMs: 0,
      now: () => NOW,
      retention,
      ...(withTimes ? { tagTimes } : {}),
      onDecision: (decision) => decisions.push(decision),
    });
    const counts = await job.runRepository(repository);
    const tags = (await store.repository(repository).tags.list()).tags;
    return { counts, tags, decisions };
  }

  const keeping = (...keepTags: KeepTagsRule[]): RetentionOptions => ({
    policies: [{ repositories: ['**'], keepTags }],
  });

  it('keepTags > patterns alone keep the matching tags and delete the rest with their manifests', async () => {
    await pushTags('app', { 'v1.0': { pushed: 900 }, 'v1.1': { pushed: 900 }, dev: { pushed: 1 } });
    const { counts, tags, decisions } = await runWith(keeping({ patterns: ['^v1\\.'] }));
    expect(tags).toEqual(['v1.0', 'v1.1']);
    expect(counts).toMatchObject({ tag: 1, manifest: 1, blob: 3 });
    expect(decisions).toContainEqual(
      expect.objectContaining({ kind: 'tag', tag: 'dev', reason: expect.stringContaining("'patterns'") }),
    );
  });

  it('keepTags > pushedWithin keeps tags pushed inside the window only', async () => {
    await pushTags('app', { fresh: { pushed: 1 }, stale: { pushed: 48 } });
    expect((await runWith(keeping({ pushedWithinMs: 24 * HOUR }))).tags).toEqual(['fresh']);
  });

  it('keepTags > pulledWithin keeps tags pulled (or, as zot, pushed) inside the window', async () => {
    await pushTags('app', {
      pulled: { pushed: 100, pulled: 1 },
      young: { pushed: 10 },
      cold: { pushed: 100, pulled: 48 },
    });
    expect((await runWith(keeping({ pulledWithinMs: 24 * HOUR }))).tags).toEqual(['pulled', 'young']);
  });

  it('keepTags > mostRecentlyPushedCount keeps the newest pushes', async () => {
    await pushTags('app', { a: { pushed: 4 }, b: { pushed: 1 }, c: { pushed: 3 }, d: { pushed: 2 } });
    expect((await runWith(keeping({ mostRecentlyPushedCount: 2 }))).tags).toEqual(['b', 'd']);
  });

  it('keepTags > mostRecentlyPulledCount keeps the latest pulls', async () => {
    await pushTags('app', {
      a: { pushed: 9, pulled: 5 },
      b: { pushed: 9, pulled: 1 },
      c: { pushed: 9, pulled: 3 },
    });
    expect((await runWith(keeping({ mostRecentlyPulledCount: 2 }))).tags).toEqual(['b', 'c']);
  });

  it('keepTags > rules of one entry apply only to tags its patterns match (patterns AND any rule)', async () => {
    await pushTags('app', {
      'release-new': { pushed: 1 },
      'release-old': { pushed: 48 },
      other: { pushed: 1 },
    });
    const { tags, decisions } = await runWith(
      keeping({ patterns: ['^release-'], pushedWithinMs: 24 * HOUR }),
    );
    expect(tags).toEqual(['release-new']);
    expect(decisions.find((d) => d.tag === 'release-old')?.reason).toContain(
      "didn't meet any tag retention rule",
    );
  });

  it('keepTags > a tag is judged by the first entry whose patterns match it (zot)', async () => {
    await pushTags('app', { 'v-old': { pushed: 48 }, 'v-new': { pushed: 0.5 }, x: { pushed: 48 } });
    const { tags } = await runWith(
      keeping({ patterns: ['^v-'], pushedWithinMs: HOUR }, { patterns: ['.*'] }),
    );
    expect(tags).toEqual(['v-new', 'x']);
  });

  it('policies > the first policy whose repository globs match applies; none matching keeps every tag', async () => {
    const retention: RetentionOptions = {
      policies: [
        { repositories: ['infra/**'], keepTags: [{ patterns: ['^keep'] }] },
        { repositories: ['tmp/*'], keepTags: [{ patterns: ['.*'] }] },
      ],
    };
    await pushTags('infra/db', { keep: { pushed: 1 }, drop: { pushed: 1 } });
    await pushTags('tmp/x', { drop: { pushed: 1 } });
    await pushTags('elsewhere', { drop: { pushed: 1 } });
    expect((await runWith(retention, 'infra/db')).tags).toEqual(['keep']);
    expect((await runWith(retention, 'tmp/x')).tags).toEqual(['drop']);
    expect((await runWith(retention, 'elsewhere')).tags).toEqual(['drop']);
  });

  it('tag times > a tag without recorded times stays; without a tag-times port only patterns decide', async () => {
    await pushTags('app', { recorded: { pushed: 48 }, unrecorded: { pushed: 48 } });
    times.delete('app:unrecorded');
    expect((await runWith(keeping({ pushedWithinMs: HOUR }))).tags).toEqual(['unrecorded']);
    await pushTags('other', { a: { pushed: 48 }, b: { pushed: 48 } });
    expect(
      (await runWith(keeping({ patterns: ['^a$'], pushedWithinMs: HOUR }), 'other', false)).tags,
    ).toEqual(['a']);
  });

  it('dryRun > reports tag and manifest decisions without applying them, while orphan blobs still go', async () => {
    await pushTags('app', { keep: { pushed: 1 }, drop: { pushed: 48 } });
    const orphan = blobOf('orphan');
    await store.repository('app').uploads.putBlob(chunksOf(orphan.content), orphan.digest);
    const { tags, counts, decisions } = await runWith({
      dryRun: true,
      ...keeping({ pushedWithinMs: 24 * HOUR }),
    });
    expect(tags).toEqual(['drop', 'keep']);
    expect(counts).toMatchObject({ tag: 0, manifest: 0, blob: 1, dryRun: { tag: 1, manifest: 1 } });
    expect(
      decisions
        .filter((d) => d.dryRun)
        .map((d) => d.kind)
        .sort(),
    ).toEqual(['manifest', 'tag']);
    expect(await hasBlob(store.repository('app'), orphan.digest)).toBe(false);
  });

  it('signatures > a cosign tag is no retention candidate and goes only with its image', async () => {
    await pushTags('app', { keep: { pushed: 1 }, drop: { pushed: 48 } });
    const repo = store.repository('app');
    for (const tag of ['keep', 'drop']) {
      const { digest } = await repo.manifests.stat(tag);
      await pushImage(repo, imageOf(`sig-${tag}`), `${digest.replace(':', '-')}.sig`);
    }
    const keepDigest = (await repo.manifests.stat('keep')).digest;
    const { tags } = await runWith(keeping({ patterns: ['^keep$'] }));
    expect(tags).toEqual(['keep', `${keepDigest.replace(':', '-')}.sig`]);
  });

  it('deleteUntagged > a policy with deleteUntagged false keeps untagged manifests', async () => {
    const image = imageOf('untagged');
    await pushImage(store.repository('app'), image, image.digest);
    const retention: RetentionOptions = { policies: [{ repositories: ['app'], deleteUntagged: false }] };
    expect((await runWith(retention)).counts).toMatchObject({ manifest: 0, blob: 0 });
    expect((await runWith({ policies: [] })).counts).toMatchObject({ manifest: 1 });
  });
});

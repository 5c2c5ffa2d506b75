// The repository/image metadata and user preferences part of the MetaStore contract (zot's RepoMeta semantics).
import { describe, expect, it } from 'vitest';
import {
  type ImageMeta,
  imageMetaOfIndex,
  imageMetaOfManifest,
  type MetaStore,
  manifestMetaOf,
} from '../src/index.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const hex = (c: string) => c.repeat(64);
const d = (c: string) => `sha256:${hex(c)}`;

export function image(
  digestChar: string,
  options: {
    created?: string;
    os?: string;
    arch?: string;
    vendor?: string;
    layers?: { digest: string; size: number }[];
    subject?: string;
    artifactType?: string;
  } = {},
): ImageMeta {
  const manifest: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {
      mediaType: options.artifactType
        ? 'application/vnd.oci.empty.v1+json'
        : 'application/vnd.oci.image.config.v1+json',
      // each image its own config digest, so sizes add up predictably
      digest: `sha256:${`${digestChar}c`.repeat(32)}`,
      size: 100,
    },
    layers: (options.layers ?? [{ digest: d('1'), size: 1000 }]).map((l) => ({ mediaType: 'x', ...l })),
  };
  if (options.vendor) manifest.annotations = { 'org.opencontainers.image.vendor': options.vendor };
  if (options.subject) manifest.subject = { mediaType: OCI_MANIFEST, digest: options.subject, size: 10 };
  if (options.artifactType) manifest.artifactType = options.artifactType;
  const config: Record<string, unknown> = options.artifactType
    ? {}
    : { os: options.os ?? 'linux', architecture: options.arch ?? 'amd64' };
  if (options.created) config.created = options.created;
  return imageMetaOfManifest(
    manifestMetaOf({ digest: d(digestChar), size: 500, mediaType: OCI_MANIFEST, manifest, config }),
  );
}

export function describeRepoMetaContract(getStore: () => MetaStore): void {
  const at = (iso: string) => new Date(iso);
  const push = { at: at('2025-01-01T00:00:00Z') };

  describe('repos', () => {
    it('a tagged push creates the repository with derived size, platforms, vendors and lastUpdated', async () => {
      const store = getStore();
      await store.repos.setRepoReference(
        'app',
        'v1',
        image('a', { created: '2024-05-01T00:00:00Z', vendor: 'ACME' }),
        push,
      );
      await store.repos.setRepoReference(
        'app',
        'v2',
        image('b', {
          created: '2024-06-01T00:00:00Z',
          arch: 'arm64',
          layers: [{ digest: d('1'), size: 1000 }],
        }),
        push,
      );
      const repo = await store.repos.getRepoMeta('app');
      expect(Object.keys(repo?.tags ?? {}).sort()).toEqual(['v1', 'v2']);
      expect(repo?.tags.v1?.digest).toBe(d('a'));
      expect(repo?.lastUpdated).toMatchObject({ tag: 'v2', digest: d('b') });
      expect(repo?.lastUpdated?.at.toISOString()).toBe('2024-06-01T00:00:00.000Z');
      expect(repo?.platforms).toEqual(
        expect.arrayContaining([
          { os: 'linux', architecture: 'amd64' },
          { os: 'linux', architecture: 'arm64' },
        ]),
      );
      expect(repo?.vendors).toEqual(['ACME']);
      // two manifests (500 each), two configs (100 each), one shared layer (1000) counted once
      expect(repo?.size).toBe(2200);
      expect(repo?.statistics[d('a')]?.pushedAt?.toISOString()).toBe('2025-01-01T00:00:00.000Z');
      expect(await store.repos.getImageMeta(d('a'))).toMatchObject({
        digest: d('a'),
        mediaType: OCI_MANIFEST,
      });
      expect(await store.repos.repositoryNames()).toEqual(['app']);
    });

    it('an image without a creation time counts from when it was tagged', async () => {
      const store = getStore();
      await store.repos.setRepoReference('app', 'old', image('a', { created: '2020-01-01T00:00:00Z' }), push);
      await store.repos.setRepoReference('app', 'new', image('b'), { at: at('2025-03-01T00:00:00Z') });
      expect((await store.repos.getRepoMeta('app'))?.lastUpdated?.tag).toBe('new');
    });

    it('an untagged push adds statistics but no tag, and does not change the derived fields', async () => {
      const store = getStore();
      await store.repos.setRepoReference('app', d('a'), image('a'), push);
      const repo = await store.repos.getRepoMeta('app');
      expect(repo?.tags).toEqual({});
      expect(repo?.statistics[d('a')]).toBeDefined();
      expect(repo?.size).toBe(0);
      expect(repo?.lastUpdated).toBeUndefined();
    });

    it('an index reports the platforms of its children', async () => {
      const store = getStore();
      const amd = image('a', { os: 'linux', arch: 'amd64' }).manifests[0];
      const arm = image('b', { os: 'linux', arch: 'arm64' }).manifests[0];
      if (!amd || !arm) throw new Error('unreachable');
      const index = imageMetaOfIndex({
        digest: d('9'),
        size: 300,
        mediaType: OCI_INDEX,
        index: { schemaVersion: 2, manifests: [] },
        children: [amd, arm],
      });
      await store.repos.setRepoReference('multi', 'latest', index, push);
      const repo = await store.repos.getRepoMeta('multi');
      expect(repo?.platforms).toHaveLength(2);
      expect(repo?.tags.latest?.mediaType).toBe(OCI_INDEX);
      expect(repo?.size).toBe(300 + 500 + 500 + 100 + 100 + 1000);
    });

    it('a manifest with a subject becomes a referrer; a digest delete removes it', async () => {
      const store = getStore();
      await store.repos.setRepoReference('app', 'v1', image('a'), push);
      const sbom = image('s', { subject: d('a'), artifactType: 'application/spdx+json' });
      await store.repos.setRepoReference('app', d('s'), sbom, push);
      expect((await store.repos.getRepoMeta('app'))?.referrers[d('a')]).toEqual([
        expect.objectContaining({ digest: d('s'), artifactType: 'application/spdx+json' }),
      ]);
      await store.repos.removeRepoReference('app', d('s'), d('s'));
      expect((await store.repos.getRepoMeta('app'))?.referrers[d('a')] ?? []).toEqual([]);
    });

    it('cosign .sig tags and notation/cosign referrers are recorded as signatures, not tags', async () => {
      const store = getStore();
      await store.repos.setRepoReference('app', 'v1', image('a'), push);
      await store.repos.setRepoReference('app', `sha256-${hex('a')}.sig`, image('5'), push);
      const notation = image('6', { subject: d('a'), artifactType: 'application/vnd.cncf.notary.signature' });
      await store.repos.setRepoReference('app', d('6'), notation, push);
      const repo = await store.repos.getRepoMeta('app');
      expect(Object.keys(repo?.tags ?? {})).toEqual(['v1']);
      expect(repo?.signatures[d('a')]?.cosign?.[0]).toMatchObject({
        signatureManifestDigest: d('5'),
        signatureTag: `sha256-${hex('a')}.sig`,
        layers: [{ layerDigest: d('1'), verified: false }],
      });
      expect(repo?.signatures[d('a')]?.notation?.[0]?.signatureManifestDigest).toBe(d('6'));

      await store.repos.updateSignatureTrust('app', d('a'), 'cosign', {
        signatureManifestDigest: d('5'),
        signatureTag: `sha256-${hex('a')}.sig`,
        layers: [
          { layerDigest: d('1'), verified: true, signer: 'key-1', checkedAt: at('2025-02-01T00:00:00Z') },
        ],
      });
      const trusted = (await store.repos.getRepoMeta('app'))?.signatures[d('a')]?.cosign?.[0]?.layers[0];
      expect(trusted).toMatchObject({ verified: true, signer: 'key-1' });
      expect(trusted?.checkedAt?.toISOString()).toBe('2025-02-01T00:00:00.000Z');

      await store.repos.removeRepoReference('app', `sha256-${hex('a')}.sig`, d('5'));
      await store.repos.removeRepoReference('app', d('6'), d('6'));
      expect((await store.repos.getRepoMeta('app'))?.signatures[d('a')]).toEqual({});
    });

    it('a re-pushed .sig tag replaces the old signature entry', async () => {
      const store = getStore();
      await store.repos.setRepoReference('app', 'v1', image('a'), push);
      await store.repos.setRepoReference('app', `sha256-${hex('a')}.sig`, image('5'), push);
      await store.repos.setRepoReference('app', `sha256-${hex('a')}.sig`, image('7'), push);
      const cosign = (await store.repos.getRepoMeta('app'))?.signatures[d('a')]?.cosign;
      expect(cosign?.map((s) => s.signatureManifestDigest)).toEqual([d('7')]);
    });

    it('removing the last tag of a digest drops its statistics and the derived fields follow', async () => {
      const store = getStore();
      await store.repos.setRepoReference('app', 'v1', image('a', { vendor: 'ACME' }), push);
      await store.repos.setRepoReference('app', 'latest', image('a', { vendor: 'ACME' }), push);
      await store.repos.removeRepoReference('app', 'v1', d('a'));
      let repo = await store.repos.getRepoMeta('app');
      expect(repo?.statistics[d('a')]).toBeDefined();
      expect(repo?.vendors).toEqual(['ACME']);
      await store.repos.removeRepoReference('app', 'latest', d('a'));
      repo = await store.repos.getRepoMeta('app');
      expect(repo?.tags).toEqual({});
      expect(repo?.statistics[d('a')]).toBeUndefined();
      expect(repo?.vendors).toEqual([]);
      expect(repo?.size).toBe(0);
      expect(repo?.lastUpdated).toBeUndefined();
    });

    it('a digest delete removes every tag pointing at it', async () => {
      const store = getStore();
      await store.repos.setRepoReference('app', 'v1', image('a'), push);
      await store.repos.setRepoReference('app', 'latest', image('a'), push);
      await store.repos.setRepoReference('app', 'v2', image('b'), push);
      await store.repos.removeRepoReference('app', d('a'), d('a'));
      expect(Object.keys((await store.repos.getRepoMeta('app'))?.tags ?? {})).toEqual(['v2']);
    });

    it('downloads count by tag or digest, per digest and per repository; unknown references are ignored', async () => {
      const store = getStore();
      await store.repos.setRepoReference('app', 'v1', image('a'), push);
      await store.repos.recordDownload('app', 'v1', at('2025-02-01T00:00:00Z'));
      await store.repos.recordDownload('app', d('a'), at('2025-02-02T00:00:00Z'));
      await store.repos.recordDownload('app', 'nope', at('2025-02-03T00:00:00Z'));
      await store.repos.recordDownload('ghost', 'v1', at('2025-02-03T00:00:00Z'));
      await store.repos.recordDownload('app', 'v1', at('2025-02-04T00:00:00Z'), 3);
      const repo = await store.repos.getRepoMeta('app');
      expect(repo?.statistics[d('a')]?.downloadCount).toBe(5);
      expect(repo?.statistics[d('a')]?.lastPullAt?.toISOString()).toBe('2025-02-04T00:00:00.000Z');
      expect(repo?.downloadCount).toBe(5);
      expect(await store.repos.getRepoMeta('ghost')).toBeUndefined();
    });

    it('records several downloads of one repository in one write: by tag and digest, unknown ones ignored', async () => {
      const store = getStore();
      await store.repos.setRepoReference('app', 'v1', image('a'), push);
      await store.repos.setRepoReference('app', 'v2', image('b'), push);
      await store.repos.recordDownloads(
        'app',
        new Map([
          ['v1', { at: at('2025-03-02T00:00:00Z'), count: 2 }],
          [d('a'), { at: at('2025-03-01T00:00:00Z'), count: 1 }],
          [d('b'), { at: at('2025-03-03T00:00:00Z'), count: 4 }],
          ['nope', { at: at('2025-03-04T00:00:00Z'), count: 9 }],
        ]),
      );
      await store.repos.recordDownloads(
        'ghost',
        new Map([['v1', { at: at('2025-03-04T00:00:00Z'), count: 1 }]]),
      );
      const repo = await store.repos.getRepoMeta('app');
      expect(repo?.statistics[d('a')]?.downloadCount).toBe(3);
      // the latest time wins whatever the order in the batch
      expect(repo?.statistics[d('a')]?.lastPullAt?.toISOString()).toBe('2025-03-02T00:00:00.000Z');
      expect(repo?.statistics[d('b')]?.downloadCount).toBe(4);
      expect(repo?.downloadCount).toBe(7);
      expect(await store.repos.getRepoMeta('ghost')).toBeUndefined();
    });

    it('lists repositories in name order, returns copies, and deletes', async () => {
      const store = getStore();
      await store.repos.setRepoReference('zeta', 'v1', image('a'), push);
      await store.repos.setRepoReference('alpha/one', 'v1', image('b'), push);
      expect((await store.repos.listRepoMetas()).map((r) => r.name)).toEqual(['alpha/one', 'zeta']);
      const copy = await store.repos.getRepoMeta('zeta');
      copy?.vendors.push('tampered');
      expect((await store.repos.getRepoMeta('zeta'))?.vendors).toEqual([]);
      const images = await store.repos.getImageMetas([d('a'), d('b'), d('0')]);
      expect([...images.keys()].sort()).toEqual([d('a'), d('b')]);
      await store.repos.deleteRepoMeta('zeta');
      expect(await store.repos.repositoryNames()).toEqual(['alpha/one']);
    });
  });

  describe('userPrefs', () => {
    it('toggling a star adds and removes it and moves the repository starCount', async () => {
      const store = getStore();
      await store.repos.setRepoReference('app', 'v1', image('a'), push);
      expect(await store.userPrefs.toggleStar('alice', 'app')).toBe('added');
      expect(await store.userPrefs.toggleStar('bob', 'app')).toBe('added');
      expect(await store.userPrefs.starredRepositories('alice')).toEqual(['app']);
      expect((await store.repos.getRepoMeta('app'))?.starCount).toBe(2);
      expect(await store.userPrefs.toggleStar('alice', 'app')).toBe('removed');
      expect(await store.userPrefs.starredRepositories('alice')).toEqual([]);
      expect((await store.repos.getRepoMeta('app'))?.starCount).toBe(1);
      // a later push keeps the stars
      await store.repos.setRepoReference('app', 'v2', image('b'), push);
      expect((await store.repos.getRepoMeta('app'))?.starCount).toBe(1);
    });

    it('bookmarks are private and do not count as stars', async () => {
      const store = getStore();
      await store.repos.setRepoReference('app', 'v1', image('a'), push);
      expect(await store.userPrefs.toggleBookmark('alice', 'app')).toBe('added');
      expect(await store.userPrefs.bookmarkedRepositories('alice')).toEqual(['app']);
      expect(await store.userPrefs.bookmarkedRepositories('bob')).toEqual([]);
      expect((await store.repos.getRepoMeta('app'))?.starCount).toBe(0);
      expect(await store.userPrefs.toggleBookmark('alice', 'app')).toBe('removed');
    });
  });

  describe('storageSync', () => {
    it('keeps a fingerprint per repository until cleared', async () => {
      const sync = getStore().storageSync;
      if (!sync) return; // optional part of the seam: the registry then parses every repository on start
      await sync.set('app', 'size=10 mtime=1');
      await sync.set('other', 'size=20 mtime=2');
      await sync.set('app', 'size=11 mtime=3');
      await sync.clear('other');
      expect([...(await sync.all())]).toEqual([['app', 'size=11 mtime=3']]);
    });
  });
}

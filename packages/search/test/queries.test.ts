// The queries against a memory RepoMetaStore, with the shapes zot answers (zot's search_test.go expectations).
import { beforeEach, describe, expect, it } from 'vitest';
import { CVE_DISABLED_MESSAGE, createSearchApi, type SearchApi } from '../src/index.js';
import { digestOf, imageOf, indexOf, manifest, memoryStores, type Stores } from './fixtures.js';

type Caller = { username: string };
let stores: Stores;
let api: SearchApi<Caller>;

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by shape with toEqual
type Json = any;

async function query(text: string, variables?: Record<string, unknown>, caller?: Caller) {
  const result = await api.execute({ query: text, ...(variables ? { variables } : {}) }, caller);
  return result.body as { data: Json; errors?: { message: string }[] };
}

beforeEach(async () => {
  stores = memoryStores();
  api = createSearchApi<Caller>({
    repos: stores.repos,
    userPrefs: stores.userPrefs,
    canRead: () => true,
    canDelete: (caller) => caller?.username === 'admin',
    usernameOf: (caller) => caller?.username,
  });
  // three repositories pushed at different times; "zot-test" newest
  await stores.push(
    'alpine',
    '3.18',
    imageOf('alpine-318', { created: '2023-06-01T00:00:00Z', layers: ['base'] }),
    '2025-01-01T00:00:00Z',
  );
  await stores.push(
    'alpine',
    '3.19',
    imageOf('alpine-319', { created: '2024-01-01T00:00:00Z', layers: ['base2'] }),
    '2025-01-02T00:00:00Z',
  );
  await stores.push(
    'apps/web',
    'v1',
    imageOf('web-v1', {
      created: '2024-02-01T00:00:00Z',
      layers: ['base', 'web'],
      annotations: {
        'org.opencontainers.image.description': 'the web app',
        'org.opencontainers.image.vendor': 'acme',
      },
      labels: { 'org.label-schema.license': 'MIT' },
      author: 'bob',
    }),
    '2025-01-03T00:00:00Z',
  );
  await stores.push(
    'zot-test',
    'multi',
    indexOf('multi-index', [
      manifest('multi-amd64', { arch: 'amd64', created: '2024-03-01T00:00:00Z' }),
      manifest('multi-arm64', { arch: 'arm64', variant: 'v8', created: '2024-03-02T00:00:00Z' }),
    ]),
    '2025-01-04T00:00:00Z',
  );
});

describe('RepoListWithNewestImage', () => {
  it('lists every tagged repository, newest first, with its newest image and the page info', async () => {
    const { data, errors } = await query(`{ RepoListWithNewestImage {
      Page { TotalCount ItemCount }
      Results { Name Size LastUpdated Platforms { Os Arch } Vendors DownloadCount StarCount IsStarred IsBookmarked
        NewestImage { Tag Digest MediaType LastUpdated Manifests { Digest } } } } }`);
    expect(errors).toBeUndefined();
    const list = data.RepoListWithNewestImage;
    expect(list.Page).toEqual({ TotalCount: 3, ItemCount: 3 });
    expect(list.Results.map((r: { Name: string }) => r.Name)).toEqual(['zot-test', 'apps/web', 'alpine']);
    const alpine = list.Results[2];
    expect(alpine.NewestImage.Tag).toBe('3.19');
    expect(alpine.NewestImage.LastUpdated).toBe('2024-01-01T00:00:00Z');
    expect(alpine.LastUpdated).toBe('2025-01-02T00:00:00Z'); // zot: the newest tag time wins
    expect(alpine.Platforms).toEqual([{ Os: 'linux', Arch: 'amd64' }]);
    const multi = list.Results[0];
    expect(multi.NewestImage.MediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(multi.Platforms).toEqual([
      { Os: 'linux', Arch: 'amd64' },
      { Os: 'linux', Arch: 'arm64/v8' },
    ]);
    expect(list.Results[1].Vendors).toEqual(['acme']);
  });

  it('pages with limit and offset and sorts alphabetically on request', async () => {
    const page = async (limit: number, offset: number, sortBy = 'ALPHABETIC_ASC') =>
      (
        await query(`{ RepoListWithNewestImage(requestedPage: {limit: ${limit}, offset: ${offset}, sortBy: ${sortBy}}) {
        Page { TotalCount ItemCount } Results { Name } } }`)
      ).data.RepoListWithNewestImage;
    expect(await page(2, 0)).toEqual({
      Page: { TotalCount: 3, ItemCount: 2 },
      Results: [{ Name: 'alpine' }, { Name: 'apps/web' }],
    });
    expect(await page(2, 2)).toEqual({
      Page: { TotalCount: 3, ItemCount: 1 },
      Results: [{ Name: 'zot-test' }],
    });
    expect(await page(2, 5)).toEqual({ Page: { TotalCount: 3, ItemCount: 0 }, Results: [] });
    expect((await page(1, 0, 'ALPHABETIC_DSC')).Results).toEqual([{ Name: 'zot-test' }]);
  });

  it('refuses negative paging and sort criteria zot does not support for repositories', async () => {
    expect(
      (await query('{ RepoListWithNewestImage(requestedPage: {limit: -1}) { Page { TotalCount } } }'))
        .errors?.[0]?.message,
    ).toMatch(/negative/);
    expect(
      (await query('{ RepoListWithNewestImage(requestedPage: {sortBy: STARS}) { Page { TotalCount } } }'))
        .errors?.[0]?.message,
    ).toMatch(/not supported/);
  });
});

describe('GlobalSearch', () => {
  it('finds repositories by a name fragment, best match first (zot RankRepoName)', async () => {
    await stores.push('library/alp', 'x', imageOf('libalp'));
    const { data } = await query(
      '{ GlobalSearch(query: "alp") { Page { TotalCount ItemCount } Repos { Name Rank } Images { Tag } Layers { Digest } } }',
    );
    expect(data.GlobalSearch.Repos).toEqual([
      { Name: 'alpine', Rank: 1 },
      { Name: 'library/alp', Rank: 1 },
    ]);
    expect(data.GlobalSearch.Page).toEqual({ TotalCount: 2, ItemCount: 2 });
    expect(data.GlobalSearch.Images).toEqual([]);
    expect(data.GlobalSearch.Layers).toEqual([]);
  });

  it('"repo:tag" lists tags of that repository by prefix, ":tag" tags everywhere, a digest its images', async () => {
    const tags = await query(
      '{ GlobalSearch(query: "alpine:3.1") { Images { RepoName Tag } Repos { Name } } }',
    );
    expect(tags.data.GlobalSearch).toEqual({
      Images: [
        { RepoName: 'alpine', Tag: '3.18' },
        { RepoName: 'alpine', Tag: '3.19' },
      ],
      Repos: null,
    });
    const anywhere = await query('{ GlobalSearch(query: ":ult") { Images { RepoName Tag } } }');
    expect(anywhere.data.GlobalSearch.Images).toEqual([{ RepoName: 'zot-test', Tag: 'multi' }]);
    const byLayer = await query(`{ GlobalSearch(query: "${digestOf('base')}") { Images { RepoName Tag } } }`);
    expect(byLayer.data.GlobalSearch.Images).toEqual([
      { RepoName: 'alpine', Tag: '3.18' },
      { RepoName: 'apps/web', Tag: 'v1' },
    ]);
  });

  it('filters by os and arch (variant included), as zot does', async () => {
    const { data } = await query(
      '{ GlobalSearch(query: "", filter: {Arch: ["ARM64/v8"]}) { Repos { Name } } }',
    );
    expect(data.GlobalSearch.Repos).toEqual([{ Name: 'zot-test' }]);
    const none = await query(
      '{ GlobalSearch(query: "", filter: {Os: ["windows"]}) { Repos { Name } Page { TotalCount } } }',
    );
    expect(none.data.GlobalSearch).toEqual({ Repos: [], Page: { TotalCount: 0 } });
  });

  it('HasToBeSigned keeps repositories whose newest image carries a cosign signature', async () => {
    const signed = digestOf('alpine-319');
    await stores.push(
      'alpine',
      `sha256-${signed.slice(7)}.sig`,
      imageOf('alpine-319-sig', { layers: ['sig'] }),
    );
    const { data } = await query(
      '{ GlobalSearch(query: "", filter: {HasToBeSigned: true}) { Repos { Name NewestImage { IsSigned SignatureInfo { Tool IsTrusted Author } } } } }',
    );
    expect(data.GlobalSearch.Repos).toEqual([
      {
        Name: 'alpine',
        NewestImage: { IsSigned: true, SignatureInfo: [{ Tool: 'cosign', IsTrusted: false, Author: '' }] },
      },
    ]);
  });

  it('refuses a query longer than 256 characters and an invalid target', async () => {
    expect(
      (await query(`{ GlobalSearch(query: "${'a'.repeat(257)}") { Page { TotalCount } } }`)).errors?.[0]
        ?.message,
    ).toMatch(/max string size limit exceeded/);
    expect((await query('{ GlobalSearch(query: "a@b") { Page { TotalCount } } }')).errors?.[0]?.message).toBe(
      'invalid search query',
    );
  });
});

describe('images', () => {
  it('ImageList gives zot image summaries: sizes, annotations with label fallback, history and layers', async () => {
    const { data, errors } =
      await query(`{ ImageList(repo: "apps/web") { Page { TotalCount ItemCount } Results {
      RepoName Tag Digest MediaType Size Description Vendor Licenses Authors LastUpdated PushTimestamp PushedBy TaggedTimestamp
      LastPullTimestamp DownloadCount IsSigned Vulnerabilities { Count MaxSeverity }
      Manifests { Digest ConfigDigest Size Platform { Os Arch } ArtifactType Layers { Digest Size } History { Layer { Digest } HistoryDescription { Created } } } } } }`);
    expect(errors).toBeUndefined();
    const [web] = data.ImageList.Results;
    expect(web).toMatchObject({
      RepoName: 'apps/web',
      Tag: 'v1',
      Digest: digestOf('web-v1'),
      MediaType: 'application/vnd.oci.image.manifest.v1+json',
      Size: String(500 + 100 + 2 * 1000),
      Description: 'the web app',
      Vendor: 'acme',
      Licenses: 'MIT',
      Authors: 'bob',
      LastUpdated: '2024-02-01T00:00:00Z',
      PushTimestamp: '2025-01-03T00:00:00Z',
      PushedBy: 'alice',
      TaggedTimestamp: '2025-01-03T00:00:00Z',
      LastPullTimestamp: '0001-01-01T00:00:00Z',
      DownloadCount: 0,
      IsSigned: false,
      Vulnerabilities: { Count: 0, MaxSeverity: '' },
    });
    expect(web.Manifests[0].Layers).toEqual([
      { Digest: digestOf('base'), Size: '1000' },
      { Digest: digestOf('web'), Size: '1000' },
    ]);
    expect(web.Manifests[0].History).toEqual([
      { Layer: { Digest: digestOf('base') }, HistoryDescription: { Created: null } },
      { Layer: { Digest: digestOf('web') }, HistoryDescription: { Created: null } },
    ]);
    expect(web.Manifests[0].ArtifactType).toBe('application/vnd.oci.image.config.v1+json');
  });

  it('a multi-arch index is one image with a manifest per platform; ImageList("") lists every tag', async () => {
    const { data } = await query(
      '{ ImageList(repo: "") { Page { TotalCount } Results { RepoName Tag MediaType Size LastUpdated Manifests { Platform { Os Arch } } } } }',
    );
    expect(data.ImageList.Page.TotalCount).toBe(4);
    const multi = data.ImageList.Results.find((r: { Tag: string }) => r.Tag === 'multi');
    expect(multi.MediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(multi.Size).toBe(String(2 * (500 + 100 + 1000)));
    expect(multi.LastUpdated).toBe('2024-03-02T00:00:00Z');
    expect(multi.Manifests.map((m: { Platform: unknown }) => m.Platform)).toEqual([
      { Os: 'linux', Arch: 'amd64' },
      { Os: 'linux', Arch: 'arm64/v8' },
    ]);
  });

  it('Image resolves "repo:tag"; a missing tag or reference is an error', async () => {
    expect((await query('{ Image(image: "alpine:3.18") { RepoName Tag } }')).data.Image).toEqual({
      RepoName: 'alpine',
      Tag: '3.18',
    });
    expect((await query('{ Image(image: "alpine:nope") { Tag } }')).errors?.[0]?.message).toBe(
      "can't find image: alpine:nope",
    );
    expect((await query('{ Image(image: "alpine") { Tag } }')).errors?.[0]?.message).toBe(
      'no reference provided',
    );
  });

  it('ImageListForDigest matches manifest, config and layer digests; an index keeps the matching manifest', async () => {
    const byConfig = await query(
      `{ ImageListForDigest(id: "${digestOf('multi-arm64-config')}") { Results { Tag Manifests { Digest } } } }`,
    );
    expect(byConfig.data.ImageListForDigest.Results).toEqual([
      { Tag: 'multi', Manifests: [{ Digest: digestOf('multi-arm64') }] },
    ]);
  });

  it('DerivedImageList and BaseImageList compare layer prefixes', async () => {
    const derived = await query(
      '{ DerivedImageList(image: "alpine:3.18") { Page { TotalCount } Results { RepoName Tag } } }',
    );
    expect(derived.data.DerivedImageList.Results).toEqual([{ RepoName: 'apps/web', Tag: 'v1' }]);
    const base = await query('{ BaseImageList(image: "apps/web:v1") { Results { RepoName Tag } } }');
    expect(base.data.BaseImageList.Results).toEqual([{ RepoName: 'alpine', Tag: '3.18' }]);
    expect(
      (await query('{ BaseImageList(image: "nothere:v1") { Page { TotalCount } } }')).errors?.[0]?.message,
    ).toBe('repository not found');
  });

  it("Referrers lists a subject's referrers, filtered by artifact type", async () => {
    const subject = digestOf('web-v1');
    await stores.push(
      'apps/web',
      digestOf('sbom'),
      imageOf('sbom', { subject, artifactType: 'application/spdx+json' }),
    );
    const all = await query(
      `{ Referrers(repo: "apps/web", digest: "${subject}") { Digest ArtifactType MediaType Size Annotations { Key Value } } }`,
    );
    expect(all.data.Referrers).toEqual([
      {
        Digest: digestOf('sbom'),
        ArtifactType: 'application/spdx+json',
        MediaType: 'application/vnd.oci.image.manifest.v1+json',
        Size: 500,
        Annotations: [],
      },
    ]);
    const other = await query(
      `{ Referrers(repo: "apps/web", digest: "${subject}", type: ["text/plain"]) { Digest } }`,
    );
    expect(other.data.Referrers).toEqual([]);
    expect(
      (await query('{ Referrers(repo: "apps/web", digest: "nope") { Digest } }')).errors?.[0]?.message,
    ).toMatch(/bad digest string/);
  });
});

describe('ExpandedRepoInfo, stars and bookmarks', () => {
  it('gives every image newest first with IsDeletable for the caller, and the summary', async () => {
    const info = async (caller?: Caller) =>
      (
        await query(
          '{ ExpandedRepoInfo(repo: "alpine") { Images { Tag IsDeletable } Summary { Name NewestImage { Tag } } } }',
          undefined,
          caller,
        )
      ).data.ExpandedRepoInfo;
    expect(await info({ username: 'admin' })).toEqual({
      Images: [
        { Tag: '3.19', IsDeletable: true },
        { Tag: '3.18', IsDeletable: true },
      ],
      Summary: { Name: 'alpine', NewestImage: { Tag: '3.19' } },
    });
    expect((await info({ username: 'bob' })).Images[0].IsDeletable).toBe(false);
  });

  it('toggles stars and bookmarks (userprefs) and answers StarredRepos, BookmarkedRepos and the IsStarred filter', async () => {
    const put = (query: string, caller?: Caller) =>
      api.handleUserPrefs(new Request(`http://x/v2/_zot/ext/userprefs?${query}`, { method: 'PUT' }), caller);
    const bob = { username: 'bob' };
    expect((await put('action=toggleStar&repo=alpine')).status).toBe(403);
    expect((await put('action=toggleStar&repo=nothere', bob)).status).toBe(404);
    expect((await put('action=toggleStar&repo=', bob)).status).toBe(404);
    expect((await put('action=nope&repo=alpine', bob)).status).toBe(400);
    expect((await put('action=toggleStar', bob)).status).toBe(400);
    expect((await put('action=toggleStar&repo=alpine', bob)).status).toBe(200);
    expect((await put('action=toggleBookmark&repo=apps/web', bob)).status).toBe(200);
    const starred = await query(
      '{ StarredRepos { Page { TotalCount } Results { Name StarCount IsStarred IsBookmarked } } }',
      undefined,
      bob,
    );
    expect(starred.data.StarredRepos).toEqual({
      Page: { TotalCount: 1 },
      Results: [{ Name: 'alpine', StarCount: 1, IsStarred: true, IsBookmarked: false }],
    });
    const bookmarked = await query('{ BookmarkedRepos { Results { Name IsBookmarked } } }', undefined, bob);
    expect(bookmarked.data.BookmarkedRepos.Results).toEqual([{ Name: 'apps/web', IsBookmarked: true }]);
    const filtered = await query(
      '{ GlobalSearch(query: "", filter: {IsStarred: false}) { Repos { Name } } }',
      undefined,
      bob,
    );
    expect(filtered.data.GlobalSearch.Repos.map((r: { Name: string }) => r.Name).sort()).toEqual([
      'apps/web',
      'zot-test',
    ]);
    // another user sees the star count but not as their own star
    const carol = await query(
      '{ ExpandedRepoInfo(repo: "alpine") { Summary { StarCount IsStarred } } }',
      undefined,
      { username: 'carol' },
    );
    expect(carol.data.ExpandedRepoInfo.Summary).toEqual({ StarCount: 1, IsStarred: false });
    expect((await query('{ StarredRepos { Results { Name } } }')).data.StarredRepos.Results).toEqual([]);
  });
});

describe('CVE queries', () => {
  it('answer with an error saying no vulnerability scanner is configured', async () => {
    const { data, errors } = await query('{ CVEListForImage(image: "alpine:3.18") { Tag } }');
    expect(data).toBeNull();
    expect(errors?.[0]?.message).toBe(CVE_DISABLED_MESSAGE);
    expect(CVE_DISABLED_MESSAGE).toMatch(/^cve search is disabled/);
  });
});

describe('cached records', () => {
  it('a push or a star after a query shows in the next query (the store change marker moves)', async () => {
    const names = async () =>
      (await query('{ RepoListWithNewestImage { Results { Name StarCount } } }')).data.RepoListWithNewestImage
        .Results;
    expect((await names()).map((r: { Name: string }) => r.Name)).not.toContain('fresh');
    await stores.push('fresh', 'v1', imageOf('fresh'), '2030-01-01T00:00:00Z');
    expect((await names())[0]).toEqual({ Name: 'fresh', StarCount: 0 });
    await stores.userPrefs.toggleStar('bob', 'fresh');
    expect((await names())[0]).toEqual({ Name: 'fresh', StarCount: 1 });
  });

  it('a store without a change marker is read on every query', async () => {
    const { changeMarker: _dropped, ...withoutMarker } = stores.repos;
    const plain = createSearchApi<Caller>({
      repos: withoutMarker,
      userPrefs: stores.userPrefs,
      canRead: () => true,
      usernameOf: (caller) => caller?.username,
    });
    const count = async () =>
      (
        (await plain.execute({ query: '{ ImageList(repo: "") { Page { TotalCount } } }' }, undefined)).body
          .data as Json
      ).ImageList.Page.TotalCount;
    expect(await count()).toBe(4);
    await stores.push('fresh', 'v1', imageOf('fresh'));
    expect(await count()).toBe(5);
  });
});

// Repository queries against a memory RepoMetaStore, with the shapes zot answers (zot's search_test.go).
import { describe, expect, it } from 'vitest';
import { createSearchApi } from '../src/index.js';
import { digestOf, imageOf } from './fixtures.js';
import { type Caller, type Json, useSeededApi } from './seeded.js';

const seeded = useSeededApi();
const query = (...args: Parameters<typeof seeded.query>) => seeded.query(...args);

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
    await seeded.stores.push('library/alp', 'x', imageOf('libalp'));
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
    await seeded.stores.push(
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
      seeded.api.handleUserPrefs(
        new Request(`http://x/v2/_zot/ext/userprefs?${query}`, { method: 'PUT' }),
        caller,
      );
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

describe('cached records', () => {
  it('a push or a star after a query shows in the next query (the store change marker moves)', async () => {
    const names = async () =>
      (await query('{ RepoListWithNewestImage { Results { Name StarCount } } }')).data.RepoListWithNewestImage
        .Results;
    expect((await names()).map((r: { Name: string }) => r.Name)).not.toContain('fresh');
    await seeded.stores.push('fresh', 'v1', imageOf('fresh'), '2030-01-01T00:00:00Z');
    expect((await names())[0]).toEqual({ Name: 'fresh', StarCount: 0 });
    await seeded.stores.userPrefs.toggleStar('bob', 'fresh');
    expect((await names())[0]).toEqual({ Name: 'fresh', StarCount: 1 });
  });

  it('a store without a change marker is read on every query', async () => {
    const { changeMarker: _dropped, ...withoutMarker } = seeded.stores.repos;
    const plain = createSearchApi<Caller>({
      repos: withoutMarker,
      userPrefs: seeded.stores.userPrefs,
      canRead: () => true,
      usernameOf: (caller) => caller?.username,
    });
    const count = async () =>
      (
        (await plain.execute({ query: '{ ImageList(repo: "") { Page { TotalCount } } }' }, undefined)).body
          .data as Json
      ).ImageList.Page.TotalCount;
    expect(await count()).toBe(4);
    await seeded.stores.push('fresh', 'v1', imageOf('fresh'));
    expect(await count()).toBe(5);
  });
});

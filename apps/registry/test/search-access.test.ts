// Issue 14: search results are filtered by the caller's read access, the same policies as /v2/_catalog, CEL
// conditions included; a repository the caller cannot read appears in no query. Stars and bookmarks follow
// zot's status codes. Images are pushed by the admin through the real server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, htpasswdLines, pushImage } from './auth-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';
import { gql, pushIndex } from './search-fixtures.js';

const as = (user: string, password = `${user}-pw`) => ({ Authorization: basic(user, password) });
const accessControl = {
  repositories: {
    'team/**': { policies: [{ users: ['alice'], actions: ['read'] }] },
    'secret/**': { policies: [{ users: ['root'], actions: ['read'] }] },
    'cond/**': {
      policies: [
        {
          users: ['alice', 'bob'],
          actions: ['read'],
          conditions: [{ expression: 'req.user.username == "alice"', message: 'alice only' }],
        },
      ],
    },
    'public/**': { anonymousPolicy: ['read'], defaultPolicy: ['read'] },
  },
  adminPolicy: { users: ['root'], actions: ['read', 'create', 'update', 'delete'] },
};

let registry: TestRegistry;
let directory: string;
let secretDigest = '';

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'zot-search-authz-'));
  const path = join(directory, 'htpasswd');
  writeFileSync(path, htpasswdLines({ alice: 'alice-pw', bob: 'bob-pw', root: 'root-pw' }));
  registry = await startTestRegistry({
    http: { auth: { htpasswd: { path } }, accessControl },
    extensions: { search: { enable: true }, ui: { enable: true } },
  });
  for (const repo of ['team/app', 'secret/app', 'cond/app', 'public/app']) {
    const pushed = await pushImage(registry.url, repo, 'v1', as('root'));
    expect(pushed.status, repo).toBe(201);
    if (repo === 'secret/app') secretDigest = pushed.digest;
  }
  await pushIndex(registry.url, 'secret/multi', 'v1', as('root'));
});
afterAll(async () => {
  await registry?.dispose();
  rmSync(directory, { recursive: true, force: true });
});

const everyQuery = () => [
  '{ RepoListWithNewestImage { Results { Name NewestImage { Digest } } } }',
  '{ GlobalSearch(query: "app") { Repos { Name } } }',
  '{ GlobalSearch(query: "") { Repos { Name } } }',
  '{ GlobalSearch(query: ":v1") { Images { RepoName Digest } } }',
  '{ GlobalSearch(query: "secret/app:") { Images { RepoName } } }',
  `{ GlobalSearch(query: "${secretDigest}") { Images { RepoName } } }`,
  '{ ImageList(repo: "") { Results { RepoName Digest } } }',
  '{ ImageList(repo: "secret/app") { Results { RepoName } } }',
  `{ ImageListForDigest(id: "${secretDigest}") { Results { RepoName } } }`,
  '{ Image(image: "secret/app:v1") { RepoName } }',
  '{ ExpandedRepoInfo(repo: "secret/app") { Images { RepoName } Summary { Name } } }',
  '{ DerivedImageList(image: "secret/app:v1") { Results { RepoName } } }',
  `{ Referrers(repo: "secret/app", digest: "${secretDigest}") { Digest } }`,
  '{ StarredRepos { Results { Name } } }',
  '{ BookmarkedRepos { Results { Name } } }',
];

async function namesSeenBy(headers: Record<string, string>): Promise<string[]> {
  const seen = new Set<string>();
  for (const query of everyQuery()) {
    const answer = await gql(registry, query, headers);
    expect(answer.status, query).toBe(200);
    for (const match of answer.text.matchAll(/"(?:Name|RepoName)":"([^"]+)"/g)) seen.add(match[1] ?? '');
    if (!['root'].some((user) => headers.Authorization === basic(user, `${user}-pw`)))
      expect(answer.text, query).not.toContain(secretDigest.slice(7));
  }
  return [...seen].sort();
}

describe('search access filtering', () => {
  it('each caller sees exactly the repositories the catalog shows them, in every query', async () => {
    for (const [who, headers] of [
      ['anonymous', {}],
      ['alice', as('alice')],
      ['bob', as('bob')],
      ['root', as('root')],
    ] as const) {
      const catalog = (await (await fetch(`${registry.url}/v2/_catalog`, { headers })).json()) as {
        repositories: string[];
      };
      expect(await namesSeenBy(headers), who).toEqual(catalog.repositories.sort());
    }
    expect(await namesSeenBy(as('alice'))).toEqual(['cond/app', 'public/app', 'team/app']);
    expect(await namesSeenBy(as('bob'))).toEqual(['public/app']); // the CEL condition keeps bob out of cond/**
    expect(await namesSeenBy({})).toEqual(['public/app']);
  });

  it('wrong credentials get 401 with a challenge; the admin sees IsDeletable, a reader does not', async () => {
    const wrong = await gql(registry, '{ ImageList(repo: "") { Page { TotalCount } } }', as('alice', 'nope'));
    expect(wrong.status).toBe(401);
    const info = '{ ExpandedRepoInfo(repo: "public/app") { Images { Tag IsDeletable } } }';
    expect((await gql(registry, info, as('root'))).data.ExpandedRepoInfo.Images).toEqual([
      { Tag: 'v1', IsDeletable: true },
    ]);
    expect((await gql(registry, info, as('alice'))).data.ExpandedRepoInfo.Images).toEqual([
      { Tag: 'v1', IsDeletable: false },
    ]);
  });

  it('userprefs: 200 to toggle a readable repository, 403 anonymous or unreadable, 404 unknown, 400 bad action', async () => {
    const put = (query: string, headers: Record<string, string> = {}) =>
      fetch(`${registry.url}/v2/_zot/ext/userprefs?${query}`, { method: 'PUT', headers }).then(
        (r) => r.status,
      );
    expect(await put('action=toggleStar&repo=team/app')).toBe(403);
    expect(await put('action=toggleStar&repo=secret/app', as('alice'))).toBe(403);
    expect(await put('action=toggleStar&repo=team/nothing', as('alice'))).toBe(404);
    expect(await put('action=explode&repo=team/app', as('alice'))).toBe(400);
    expect(await put('action=toggleStar&repo=team/app', as('alice'))).toBe(200);
    expect(await put('action=toggleBookmark&repo=public/app', as('alice'))).toBe(200);
    const starred = await gql(
      registry,
      '{ StarredRepos { Results { Name StarCount IsStarred } } }',
      as('alice'),
    );
    expect(starred.data.StarredRepos.Results).toEqual([{ Name: 'team/app', StarCount: 1, IsStarred: true }]);
    const bookmarked = await gql(
      registry,
      '{ GlobalSearch(query: "", filter: {IsBookmarked: true}) { Repos { Name } } }',
      as('alice'),
    );
    expect(bookmarked.data.GlobalSearch.Repos).toEqual([{ Name: 'public/app' }]);
    expect(await put('action=toggleStar&repo=team/app', as('alice'))).toBe(200); // toggled off again
    expect(
      (await gql(registry, '{ StarredRepos { Results { Name } } }', as('alice'))).data.StarredRepos.Results,
    ).toEqual([]);
  });
});

describe('search without an anonymous policy', () => {
  it('answers an anonymous caller 401 with a challenge, as zot does for every /v2/ route', async () => {
    const path = join(directory, 'htpasswd');
    const closed = await startTestRegistry({
      http: {
        auth: { htpasswd: { path } },
        accessControl: { repositories: { '**': { policies: [{ users: ['alice'], actions: ['read'] }] } } },
      },
      extensions: { search: { enable: true } },
    });
    try {
      const response = await fetch(
        `${closed.url}/v2/_zot/ext/search?query=${encodeURIComponent('{ __typename }')}`,
      );
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      const ok = await fetch(
        `${closed.url}/v2/_zot/ext/search?query=${encodeURIComponent('{ __typename }')}`,
        { headers: as('alice') },
      );
      expect(await ok.json()).toEqual({ data: { __typename: 'Query' } });
      // without the UI there are no stars to toggle (zot: userprefs needs search and ui)
      expect(
        (
          await fetch(`${closed.url}/v2/_zot/ext/userprefs?action=toggleStar&repo=x`, {
            method: 'PUT',
            headers: as('alice'),
          })
        ).status,
      ).toBe(404);
    } finally {
      await closed.dispose();
    }
  });
});

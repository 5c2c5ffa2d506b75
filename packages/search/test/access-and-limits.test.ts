// What a caller cannot read never appears, whatever the query; hostile requests are refused quickly; the HTTP
// handler speaks GET and POST as gqlgen does for zot.
import { getIntrospectionQuery } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSearchApi, type SearchApi } from '../src/index.js';
import { digestOf, imageOf, indexOf, manifest, memoryStores } from './fixtures.js';

type Caller = { username: string };
let api: SearchApi<Caller>;
const SECRET = 'secret/vault';

beforeAll(async () => {
  const stores = memoryStores();
  // `secret/vault` shares a layer, a tag name and a name fragment with readable repositories
  await stores.push('public/app', 'v1', imageOf('app', { layers: ['shared'] }));
  await stores.push(SECRET, 'v1', imageOf('vault', { layers: ['shared', 'vault'] }));
  await stores.push(
    SECRET,
    'multi',
    indexOf('vault-index', [manifest('vault-arm', { arch: 'arm64', layers: ['shared'] })]),
  );
  await stores.push(
    SECRET,
    digestOf('sbom'),
    imageOf('sbom', { subject: digestOf('vault'), artifactType: 'x/sbom' }),
  );
  await stores.userPrefs.toggleStar('bob', SECRET);
  await stores.userPrefs.toggleBookmark('bob', SECRET);
  api = createSearchApi<Caller>({
    repos: stores.repos,
    userPrefs: stores.userPrefs,
    canRead: (caller, repository) => !repository.startsWith('secret/') || caller?.username === 'admin',
    usernameOf: (caller) => caller?.username,
  });
});

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by shape with toEqual/toMatch
const bodyOf = async (response: Response): Promise<any> => response.json();

const post = (body: string, caller?: Caller, contentType = 'application/json') =>
  api.handle(
    new Request('http://x/v2/_zot/ext/search', {
      method: 'POST',
      body,
      headers: { 'Content-Type': contentType },
    }),
    caller,
  );

describe('access filtering', () => {
  const queries = [
    '{ RepoListWithNewestImage { Results { Name } } }',
    '{ GlobalSearch(query: "v") { Repos { Name } } }',
    '{ GlobalSearch(query: "secret") { Repos { Name } } }',
    '{ GlobalSearch(query: "secret/vault:") { Images { RepoName } } }',
    '{ GlobalSearch(query: ":v1") { Images { RepoName } } }',
    `{ GlobalSearch(query: "${digestOf('shared')}") { Images { RepoName } } }`,
    '{ ImageList(repo: "") { Results { RepoName } } }',
    `{ ImageList(repo: "${SECRET}") { Results { RepoName } } }`,
    `{ ImageListForDigest(id: "${digestOf('shared')}") { Results { RepoName } } }`,
    '{ DerivedImageList(image: "public/app:v1") { Results { RepoName } } }',
    `{ BaseImageList(image: "${SECRET}:v1") { Results { RepoName } } }`,
    `{ Image(image: "${SECRET}:v1") { RepoName } }`,
    `{ ExpandedRepoInfo(repo: "${SECRET}") { Images { RepoName } Summary { Name } } }`,
    `{ Referrers(repo: "${SECRET}", digest: "${digestOf('vault')}") { Digest } }`,
    '{ StarredRepos { Results { Name } } }',
    '{ BookmarkedRepos { Results { Name } } }',
  ];

  it('a repository the caller cannot read appears in no query, anonymous or authenticated', async () => {
    for (const caller of [undefined, { username: 'bob' }]) {
      for (const query of queries) {
        const text = await (await post(JSON.stringify({ query }), caller)).text();
        expect(text, query).not.toContain('secret');
        expect(text, query).not.toContain(digestOf('vault').slice(7));
      }
    }
  });

  it('the same queries show it to a caller who may read it', async () => {
    const seen = [];
    for (const query of queries.slice(0, 14)) {
      const text = await (await post(JSON.stringify({ query }), { username: 'admin' })).text();
      if (text.includes(SECRET)) seen.push(query);
    }
    // all but DerivedImageList of public/app (vault is derived from it: it is seen too) list the secret repository
    expect(seen.length).toBeGreaterThanOrEqual(12);
  });
});

describe('limits', () => {
  it('refuses many aliased top-level queries with a GraphQL error (422) in milliseconds', async () => {
    const aliases = Array.from(
      { length: 500 },
      (_, i) => `a${i}: ImageList(repo: "") { Results { Tag } }`,
    ).join(' ');
    const started = performance.now();
    const response = await post(JSON.stringify({ query: `{ ${aliases} }` }));
    expect(performance.now() - started).toBeLessThan(200);
    expect(response.status).toBe(422);
    expect((await bodyOf(response)).errors[0].message).toMatch(/top-level fields/);
  });

  it('refuses an exponential fragment tree by its cost without expanding it', async () => {
    const levels = 30;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1
        ? `fragment F${i} on ImageSummary { Tag Digest }`
        : `fragment F${i} on ImageSummary { ...F${i + 1} a: Manifests { Digest } b: Manifests { Digest } ...F${i + 1} }`,
    ).join('\n');
    const started = performance.now();
    const response = await post(
      JSON.stringify({ query: `{ ImageList(repo: "") { Results { ...F0 } } }\n${fragments}` }),
    );
    expect(performance.now() - started).toBeLessThan(200);
    expect(response.status).toBe(422);
    expect((await bodyOf(response)).errors[0].message).toMatch(/cost exceeds/);
  });

  it('refuses deep introspection nesting, a deeply nested JSON body and an oversized body', async () => {
    let nested = 'name';
    for (let i = 0; i < 20; i++) nested = `ofType { ${nested} }`;
    const deep = await post(
      JSON.stringify({ query: `{ __schema { types { fields { type { ${nested} } } } } }` }),
    );
    expect(deep.status).toBe(422);
    expect((await bodyOf(deep)).errors[0].message).toMatch(/depth exceeds/);

    const started = performance.now();
    const bomb = await post(
      `{"query":"{ __typename }","variables":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    );
    expect(bomb.status).toBe(400);
    expect(performance.now() - started).toBeLessThan(200);

    const big = await post(JSON.stringify({ query: `{ __typename } #${'x'.repeat(300 * 1024)}` }));
    expect(big.status).toBe(413);
  });

  it('refuses a query with too many tokens at parse time', async () => {
    const response = await post(
      JSON.stringify({ query: `{ ImageList(repo: "") { Results { ${'Tag '.repeat(20_000)} } } }` }),
    );
    expect(response.status).toBe(422);
    expect((await bodyOf(response)).errors[0].message).toMatch(/token/);
  });
});

describe('HTTP', () => {
  it('answers GET with the query in the URL and POST with JSON; variables and operationName work', async () => {
    const url = new URL('http://x/v2/_zot/ext/search');
    url.searchParams.set('query', 'query Q($r: String!) { ImageList(repo: $r) { Page { TotalCount } } }');
    url.searchParams.set('variables', JSON.stringify({ r: 'public/app' }));
    const get = await api.handle(new Request(url), undefined);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toMatch(/application\/json/);
    expect(await bodyOf(get)).toEqual({ data: { ImageList: { Page: { TotalCount: 1 } } } });
    const named = await post(
      JSON.stringify({
        query: 'query A { __typename } query B { ImageList(repo: "") { Page { ItemCount } } }',
        operationName: 'B',
      }),
    );
    expect(await bodyOf(named)).toEqual({ data: { ImageList: { Page: { ItemCount: 1 } } } });
  });

  it('answers a syntax error or an unknown field with 422, a bad body with 400, as gqlgen does', async () => {
    expect((await post('{"query":"{ ImageList( }"}')).status).toBe(422);
    const unknown = await post(JSON.stringify({ query: '{ NoSuchQuery }' }));
    expect(unknown.status).toBe(422);
    expect((await bodyOf(unknown)).errors[0].message).toMatch(/Cannot query field "NoSuchQuery"/);
    expect((await post('{not json')).status).toBe(400);
    expect((await post('query=x', undefined, 'text/plain')).status).toBe(400);
  });

  it('keeps introspection on (zot UI and GraphQL tools read the schema)', async () => {
    const response = await post(JSON.stringify({ query: '{ __schema { queryType { fields { name } } } }' }));
    const names = (await bodyOf(response)).data.__schema.queryType.fields.map(
      (f: { name: string }) => f.name,
    );
    // the full introspection query of GraphQL tools (GraphiQL, codegen) fits within the limits
    const full = await post(
      JSON.stringify({ query: getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }) }),
    );
    expect(full.status).toBe(200);
    expect((await bodyOf(full)).data.__schema.types.length).toBeGreaterThan(20);
    expect(names).toEqual(
      expect.arrayContaining([
        'GlobalSearch',
        'RepoListWithNewestImage',
        'ImageList',
        'ExpandedRepoInfo',
        'CVEListForImage',
        'StarredRepos',
      ]),
    );
  });
});

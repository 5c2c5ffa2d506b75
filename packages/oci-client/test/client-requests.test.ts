// What a CLI needs of the client beside the distribution API (zli runs on it): Basic credentials from the first
// request (a registry with anonymous read answers as the user), any registry path through the same auth
// (extension APIs, a /v2/ whose 401 is an answer), small verified blobs read whole, an observer of every
// exchange, and errors that carry the URL and tell a TLS failure from a refused connection.
// The registry here is a small node:http server that records what it was sent.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRegistryClient,
  type ExchangeEvent,
  isTlsFailure,
  nextLink,
  type RegistryClient,
  RegistryClientError,
} from '../src/index.js';

const ALICE = `Basic ${Buffer.from('alice:pw').toString('base64')}`;
const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
const badDigest = `sha256:${'0'.repeat(64)}`;

/** Authorization header of each request, by `METHOD path`. */
const seen: Array<{ request: string; authorization: string | undefined }> = [];
let server: Server;
let url = '';

function answer(request: IncomingMessage, response: ServerResponse) {
  const path = request.url ?? '/';
  const authorization = request.headers.authorization;
  seen.push({ request: `${request.method} ${path}`, authorization });
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  if (authorization !== undefined && authorization !== ALICE)
    return json(401, { errors: [{ code: 'UNAUTHORIZED' }] }, { 'www-authenticate': 'Basic realm="test"' });
  // anonymous read, as zot's anonymousPolicy: the catalog shows the public repositories only
  if (path.startsWith('/v2/_catalog'))
    return json(200, { repositories: authorization === ALICE ? ['private', 'public'] : ['public'] });
  if (path === '/v2/')
    return authorization === ALICE
      ? json(200, {})
      : json(401, { errors: [{ code: 'UNAUTHORIZED' }] }, { 'www-authenticate': 'Basic realm="test"' });
  if (path.startsWith('/v2/_zot/ext/search?query='))
    return json(200, { data: { echo: decodeURIComponent(path.slice('/v2/_zot/ext/search?query='.length)) } });
  if (path === '/v2/_zot/ext/big') return json(200, { filler: 'x'.repeat(4096) });
  if (path === `/v2/public/blobs/${configDigest}`) return void response.writeHead(200).end(config);
  if (path === `/v2/public/blobs/${badDigest}`) return void response.writeHead(200).end(config);
  json(404, { errors: [{ code: 'NAME_UNKNOWN' }] });
}

beforeAll(async () => {
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const collect = async (names: AsyncGenerator<string>) => {
  const all: string[] = [];
  for await (const name of names) all.push(name);
  return all;
};

describe('basicUpfront', () => {
  it('sends the credentials on the first request, so anonymous read does not hide the user', async () => {
    const upfront = createRegistryClient({
      url,
      credentials: { username: 'alice', password: 'pw' },
      basicUpfront: true,
    });
    const learning = createRegistryClient({ url, credentials: { username: 'alice', password: 'pw' } });
    seen.length = 0;
    expect(await collect(upfront.listRepositories())).toEqual(['private', 'public']);
    expect(seen).toEqual([{ request: 'GET /v2/_catalog?n=1000', authorization: ALICE }]);
    // without it, no 401 ever comes, so the user is never named
    expect(await collect(learning.listRepositories())).toEqual(['public']);
    upfront.close();
    learning.close();
  });

  it('refuses wrong credentials after one request (no retry with the same Basic header)', async () => {
    const wrong = createRegistryClient({
      url,
      credentials: { username: 'alice', password: 'no' },
      basicUpfront: true,
    });
    seen.length = 0;
    const error = await collect(wrong.listRepositories()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401, url: `${url}/v2/_catalog?n=1000` });
    expect(seen).toHaveLength(1);
    wrong.close();
  });
});

describe('request', () => {
  let client: RegistryClient;
  beforeAll(() => {
    client = createRegistryClient({ url, retry: { maxRetries: 0 } });
  });
  afterAll(() => client.close());

  it('reaches an extension path with its query and reads the answer whole', async () => {
    const query = '{ ImageList(repo: "a b") { Results { Tag } } }';
    const answer = await client.request({ path: `/v2/_zot/ext/search?query=${encodeURIComponent(query)}` });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.body.toString('utf8'))).toEqual({ data: { echo: query } });
  });

  it('takes the statuses it is told are answers, and turns others into errors with the URL', async () => {
    expect((await client.request({ path: '/v2/', expect: [200, 401] })).status).toBe(401);
    await expect(client.request({ path: '/v2/' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      status: 401,
    });
    await expect(client.request({ path: '/v2/_zot/ext/mgmt' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
      ociCode: 'NAME_UNKNOWN',
      url: `${url}/v2/_zot/ext/mgmt`,
    });
  });

  it('refuses a body over maxBytes and a path that would leave the registry', async () => {
    await expect(client.request({ path: '/v2/_zot/ext/big', maxBytes: 1024 })).rejects.toMatchObject({
      code: 'INVALID_RESPONSE',
    });
    await expect(client.request({ path: 'http://elsewhere/v2/' })).rejects.toThrow(TypeError);
    await expect(client.request({ path: '//elsewhere/v2/' })).rejects.toThrow(TypeError);
  });
});

describe('readBlob and onExchange', () => {
  it('reads a small blob whole and verified, reporting each exchange', async () => {
    const events: ExchangeEvent[] = [];
    const client = createRegistryClient({
      url,
      retry: { maxRetries: 0 },
      onExchange: (event) => events.push(event),
    });
    expect((await client.readBlob('public', configDigest)).equals(config)).toBe(true);
    expect(events.map((event) => [event.phase, event.method, event.url.pathname, event.status])).toEqual([
      ['sent', 'GET', `/v2/public/blobs/${configDigest}`, undefined],
      ['answered', 'GET', `/v2/public/blobs/${configDigest}`, 200],
    ]);
    expect(events[1]?.durationMs).toBeGreaterThanOrEqual(0);
    await expect(client.readBlob('public', badDigest)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    await expect(client.readBlob('public', configDigest, { maxBytes: 8 })).rejects.toMatchObject({
      code: 'INVALID_RESPONSE',
    });
    client.close();
  });
});

describe('isTlsFailure', () => {
  it('is false for a refused connection and for errors that are not UNREACHABLE', async () => {
    const refused = createRegistryClient({ url: 'http://127.0.0.1:1', retry: { maxRetries: 0 } });
    const error = await refused.ping().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'UNREACHABLE', url: 'http://127.0.0.1:1/v2/' });
    expect(isTlsFailure(error)).toBe(false);
    expect(isTlsFailure(new RegistryClientError('NOT_FOUND', 'certificate'))).toBe(false);
    refused.close();
  });

  it('is true when an https URL meets a plain-HTTP server', async () => {
    const mismatched = createRegistryClient({
      url: url.replace('http:', 'https:'),
      retry: { maxRetries: 0 },
    });
    const error = await mismatched.ping().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'UNREACHABLE' });
    expect(isTlsFailure(error)).toBe(true);
    mismatched.close();
  });
});

describe('nextLink', () => {
  it('picks rel="next" among several links, quoted or not, and ignores others', () => {
    expect(nextLink('</v2/_catalog?n=2&last=b>; rel="next"')).toBe('/v2/_catalog?n=2&last=b');
    expect(nextLink('<https://x/prev>; rel="prev", <https://x/next?last=c>; rel=next')).toBe(
      'https://x/next?last=c',
    );
    expect(nextLink('<https://x/prev>; rel="prev"')).toBeUndefined();
    expect(nextLink(undefined)).toBeUndefined();
  });
});

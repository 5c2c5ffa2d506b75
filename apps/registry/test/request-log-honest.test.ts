// Issue 20 item 5: a client that aborts mid-upload is a client abort (499), not a server error, in the request
// log and in zot_http_requests_total; the request log's `bytes` is the body's size on every route.
import { request as httpRequest } from 'node:http';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRegistry, type TestRegistry } from './helpers.js';
import { labelValues, scrape } from './metrics-helpers.js';

let registry: TestRegistry;
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  const stdout = new PassThrough();
  stdout.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line));
  });
  registry = await startTestRegistry(
    { extensions: { metrics: { enable: true } }, log: { level: 'info' } },
    { stdout },
  );
});
afterAll(async () => {
  await registry?.dispose();
});

/** The request line logged for `method path`, waiting a little since it is written when the response closes. */
async function logged(method: string, path: string): Promise<Record<string, unknown>> {
  for (let tries = 0; tries < 50; tries++) {
    const line = lines.find((l) => l.message === 'request' && l.method === method && l.path === path);
    if (line !== undefined) return line;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`no request line for ${method} ${path}`);
}

describe('request log bytes', () => {
  it.each(['/metrics', '/v2/_zot/ext/mgmt', '/v2/', '/v2/_catalog', '/no/such/route'])(
    '%s logs the body size',
    async (path) => {
      const response = await fetch(`${registry.url}${path}`);
      const body = Buffer.from(await response.arrayBuffer());
      expect(body.length).toBeGreaterThan(0);
      expect((await logged('GET', path)).bytes).toBe(body.length);
    },
  );
});

describe('a client that aborts mid-upload', () => {
  it('is logged as 499 and counted as code="499", never "500"', async () => {
    const started = await fetch(`${registry.url}/v2/aborted/blobs/uploads/`, { method: 'POST' });
    expect(started.status).toBe(202);
    const location = new URL(started.headers.get('location') ?? '', registry.url);
    await new Promise<void>((done) => {
      const upload = httpRequest(location, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(8 * 1024 * 1024) },
      });
      upload.on('error', () => done());
      upload.write(Buffer.alloc(256 * 1024), () => setTimeout(() => upload.destroy(), 100));
    });
    const line = await logged('PATCH', location.pathname);
    expect(line.status).toBe(499);
    expect(line.clientAborted).toBe(true);
    const { families } = await scrape(registry);
    const codes = labelValues(families, 'zot_http_requests_total', 'code');
    expect(codes.has('499')).toBe(true);
    expect(codes.has('500')).toBe(false);
  });
});

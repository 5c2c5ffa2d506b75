// Issue 20 item 5: a client that aborts mid-upload is a client abort (499), not a server error, in the request
// log and in zot_http_requests_total; the request log's `bytes` is the body's size on every route.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, htpasswdLines } from './auth-fixtures.js';
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

describe('request log bytes on auth routes', () => {
  it('counts the bodies of the API key route and of a 401 challenge', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'zot-bytes-'));
    writeFileSync(join(directory, 'htpasswd'), htpasswdLines({ alice: 'alice-pw' }));
    const authLines: Array<Record<string, unknown>> = [];
    const stdout = new PassThrough();
    stdout.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line !== '') authLines.push(JSON.parse(line));
    });
    const withAuth = await startTestRegistry(
      {
        http: { auth: { htpasswd: { path: join(directory, 'htpasswd') }, apikey: true } },
        log: { level: 'info' },
      },
      { stdout },
    );
    try {
      const created = await fetch(`${withAuth.url}/zot/auth/apikey`, {
        method: 'POST',
        headers: { Authorization: basic('alice', 'alice-pw'), 'Content-Type': 'application/json' },
        body: JSON.stringify({ label: 'bytes' }),
      });
      expect(created.status).toBe(201);
      const createdBytes = (await created.arrayBuffer()).byteLength;
      const challenged = await fetch(`${withAuth.url}/v2/`);
      expect(challenged.status).toBe(401);
      const challengedBytes = (await challenged.arrayBuffer()).byteLength;
      await withAuth.close(); // every line is written once its response closed
      const line = (method: string, path: string) =>
        authLines.find((l) => l.message === 'request' && l.method === method && l.path === path);
      expect(line('POST', '/zot/auth/apikey')?.bytes).toBe(createdBytes);
      expect(line('GET', '/v2/')?.bytes).toBe(challengedBytes);
      expect(createdBytes).toBeGreaterThan(0);
    } finally {
      await withAuth.dispose();
      rmSync(directory, { recursive: true, force: true });
    }
  });
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

// The upload worker thread (oci-store upload-worker-pool.ts) dying in the middle of a PATCH, through the real
// HTTP server: the request gets a spec error (500, {"errors":[...]}) instead of hanging, nothing becomes
// visible, and the client can carry on with the same session (its hash is rebuilt from the file).
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { terminateUploadWorkers } from '@zot-ts/oci-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, startTestRegistry, type TestRegistry, until } from './helpers.js';

const MiB = 1024 * 1024;

describe('upload worker thread crash during a push', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(() => registry.dispose());

  it('fails the PATCH with a spec error, then the session continues and the blob is right', async () => {
    // the first PATCH is larger than SMALL_UPLOAD_BYTES, which would hash on the main thread
    const content = randomBytes(9 * MiB + 123);
    const first = content.subarray(0, 5 * MiB);
    const rest = content.subarray(first.length);
    const started = await fetch(`${registry.url}/v2/crash/app/blobs/uploads/`, { method: 'POST' });
    expect(started.status).toBe(202);
    const location = new URL(started.headers.get('location') ?? '', registry.url).toString();
    const sessionId = new URL(location).pathname.split('/').pop() ?? '';
    const uploadFile = join(registry.directory, 'data', 'crash', 'app', '.uploads', sessionId);
    const patched = await fetch(location, {
      method: 'PATCH',
      body: first,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `0-${first.length - 1}` },
    });
    expect(patched.status).toBe(202);

    // the next PATCH streams (chunked, on its own connection); the worker thread is ended after 2 MiB went out
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(location, {
        method: 'PATCH',
        agent: false,
        headers: { 'Content-Type': 'application/octet-stream' },
        timeout: 20_000,
      });
      request.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (piece: string) => {
          text += piece;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      request.on('timeout', () => reject(new Error('no answer: the request hung')));
      request.on('error', reject);
      void (async () => {
        for (let offset = 0; offset < rest.length && !request.destroyed; offset += 256 * 1024) {
          if (offset === 2 * MiB) {
            // once the server is writing this PATCH's bytes (its append has begun in the thread)
            await until(async () => (statSync(uploadFile).size > first.length ? true : undefined), 10_000);
            await terminateUploadWorkers();
          }
          request.write(rest.subarray(offset, offset + 256 * 1024));
          await new Promise((done) => setImmediate(done));
        }
        if (!request.destroyed) request.end();
      })();
    });
    expect(answer.status).toBe(500);
    expect((JSON.parse(answer.body) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe(
      'INTERNAL_ERROR',
    );

    // cut back to the first PATCH; nothing visible under the digest
    const status = await fetch(location);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe(`0-${first.length - 1}`);
    expect(
      (await fetch(`${registry.url}/v2/crash/app/blobs/${sha256(content)}`, { method: 'HEAD' })).status,
    ).toBe(404);

    // the client retries the chunk; the session's hash is rebuilt from the file and the blob comes out right
    const retried = await fetch(location, {
      method: 'PATCH',
      body: rest,
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Range': `${first.length}-${content.length - 1}`,
      },
    });
    expect(retried.status).toBe(202);
    const finished = await fetch(
      `${location}${location.includes('?') ? '&' : '?'}digest=${sha256(content)}`,
      {
        method: 'PUT',
      },
    );
    expect(finished.status).toBe(201);
    const pulled = Buffer.from(
      await (await fetch(`${registry.url}/v2/crash/app/blobs/${sha256(content)}`)).arrayBuffer(),
    );
    expect(pulled.equals(content)).toBe(true);

    // a monolithic push right after gets a new worker thread and works
    const other = randomBytes(3 * MiB);
    const session = await fetch(`${registry.url}/v2/crash/app/blobs/uploads/`, { method: 'POST' });
    const put = await fetch(
      `${new URL(session.headers.get('location') ?? '', registry.url)}${session.headers.get('location')?.includes('?') ? '&' : '?'}digest=${sha256(other)}`,
      { method: 'PUT', body: other, headers: { 'Content-Type': 'application/octet-stream' } },
    );
    expect(put.status).toBe(201);
  }, 30_000);
});

import { describe, expect, it } from 'vitest';
import { errorCode, pushBlob, sha256, testApi } from './helpers.js';

const content = 'The quick brown fox jumps over the lazy dog';

describe('blobs', () => {
  it('HEAD answers size, digest and Accept-Ranges without a body', async () => {
    const { app } = testApi();
    const digest = await pushBlob(app, 'org/app', content);
    const response = await app.request(`/v2/org/app/blobs/${digest}`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(content.length));
    expect(response.headers.get('docker-content-digest')).toBe(digest);
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(await response.text()).toBe('');
  });

  it('GET streams the whole blob', async () => {
    const { app } = testApi();
    const digest = await pushBlob(app, 'app', content);
    const response = await app.request(`/v2/app/blobs/${digest}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('docker-content-digest')).toBe(digest);
    expect(await response.text()).toBe(content);
  });

  it('GET with one range answers 206 with Content-Range', async () => {
    const { app } = testApi();
    const digest = await pushBlob(app, 'app', content);
    const response = await app.request(`/v2/app/blobs/${digest}`, { headers: { Range: 'bytes=4-8' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 4-8/${content.length}`);
    expect(response.headers.get('content-length')).toBe('5');
    expect(await response.text()).toBe('quick');
  });

  it('GET with several ranges answers multipart/byteranges with an exact Content-Length, coalesced and sorted', async () => {
    const { app } = testApi();
    const digest = await pushBlob(app, 'app', content);
    const response = await app.request(`/v2/app/blobs/${digest}`, {
      headers: { Range: 'bytes=40-42, 0-2, 2-3' },
    });
    expect(response.status).toBe(206);
    const type = response.headers.get('content-type') ?? '';
    expect(type).toMatch(/^multipart\/byteranges; boundary=/);
    const boundary = type.split('boundary=')[1];
    const body = Buffer.from(await response.arrayBuffer());
    expect(response.headers.get('content-length')).toBe(String(body.length));
    const text = body.toString('latin1');
    expect(text).toContain(
      `--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 0-3/${content.length}\r\n\r\nThe `,
    );
    expect(text).toContain(`Content-Range: bytes 40-42/${content.length}\r\n\r\ndog`);
    expect(text.indexOf('bytes 0-3')).toBeLessThan(text.indexOf('bytes 40-42'));
    expect(text.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true);
  });

  it('GET with an unsatisfiable range answers 416 with Content-Range bytes */size', async () => {
    const { app } = testApi();
    const digest = await pushBlob(app, 'app', content);
    const response = await app.request(`/v2/app/blobs/${digest}`, { headers: { Range: 'bytes=1000-2000' } });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${content.length}`);
    expect(await errorCode(response)).toBe('RANGE_INVALID');
  });

  it('answers BLOB_UNKNOWN 404 for a blob the repository does not have', async () => {
    const { app } = testApi();
    await pushBlob(app, 'app', content);
    const response = await app.request(`/v2/app/blobs/${sha256('other')}`);
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe('BLOB_UNKNOWN');
  });

  it('answers DIGEST_INVALID 400 for a malformed digest', async () => {
    const { app } = testApi();
    const response = await app.request('/v2/app/blobs/sha256:xyz');
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('DIGEST_INVALID');
  });

  it('answers NAME_INVALID 400 for a bad repository name', async () => {
    const { app } = testApi();
    const response = await app.request(`/v2/Bad..Name/blobs/${sha256('x')}`);
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('NAME_INVALID');
  });

  it('DELETE answers 202 and the blob is gone', async () => {
    const { app } = testApi();
    const digest = await pushBlob(app, 'app', content);
    expect((await app.request(`/v2/app/blobs/${digest}`, { method: 'DELETE' })).status).toBe(202);
    expect((await app.request(`/v2/app/blobs/${digest}`, { method: 'HEAD' })).status).toBe(404);
  });

  it('answers 405 with Allow for a method the route lacks', async () => {
    const { app } = testApi();
    const response = await app.request(`/v2/app/blobs/${sha256('x')}`, { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('HEAD, GET, DELETE');
    expect(await errorCode(response)).toBe('UNSUPPORTED');
  });
});

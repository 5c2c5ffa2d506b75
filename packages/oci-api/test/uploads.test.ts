import { describe, expect, it } from 'vitest';
import { errorCode, pushBlob, sha256, testApi } from './helpers.js';

async function startSession(app: ReturnType<typeof testApi>['app'], name = 'app'): Promise<string> {
  const response = await app.request(`/v2/${name}/blobs/uploads/`, { method: 'POST' });
  expect(response.status).toBe(202);
  return response.headers.get('location') ?? '';
}

describe('uploads', () => {
  it('POST opens a session: 202 with Location, Range 0-0 and Docker-Upload-UUID', async () => {
    const { app } = testApi();
    const response = await app.request('/v2/org/app/blobs/uploads/', { method: 'POST' });
    expect(response.status).toBe(202);
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(/^\/v2\/org\/app\/blobs\/uploads\/[^/]+$/);
    expect(response.headers.get('range')).toBe('0-0');
    expect(location.endsWith(response.headers.get('docker-upload-uuid') ?? 'missing')).toBe(true);
  });

  it('chunked: PATCH with Content-Range in order, GET status, PUT closes with 201 and the blob digest', async () => {
    const { app } = testApi();
    const location = await startSession(app);
    const first = await app.request(location, {
      method: 'PATCH',
      body: 'hello ',
      headers: { 'Content-Range': '0-5', 'Content-Length': '6' },
    });
    expect(first.status).toBe(202);
    expect(first.headers.get('range')).toBe('0-5');
    const second = await app.request(first.headers.get('location') ?? '', {
      method: 'PATCH',
      body: 'world',
      headers: { 'Content-Range': '6-10', 'Content-Length': '5' },
    });
    expect(second.headers.get('range')).toBe('0-10');
    const status = await app.request(location);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe('0-10');
    expect(status.headers.get('location')).toBe(location);
    const digest = sha256('hello world');
    const done = await app.request(`${location}?digest=${digest}`, { method: 'PUT' });
    expect(done.status).toBe(201);
    expect(done.headers.get('location')).toBe(`/v2/app/blobs/${digest}`);
    expect(done.headers.get('docker-content-digest')).toBe(digest);
    expect(await (await app.request(`/v2/app/blobs/${digest}`)).text()).toBe('hello world');
  });

  it('an out-of-order chunk gets 416 with the current Range and Location', async () => {
    const { app } = testApi();
    const location = await startSession(app);
    await app.request(location, {
      method: 'PATCH',
      body: 'abc',
      headers: { 'Content-Range': '0-2', 'Content-Length': '3' },
    });
    const response = await app.request(location, {
      method: 'PATCH',
      body: 'xyz',
      headers: { 'Content-Range': '10-12', 'Content-Length': '3' },
    });
    expect(response.status).toBe(416);
    expect(response.headers.get('range')).toBe('0-2');
    expect(response.headers.get('location')).toBe(location);
    expect(await errorCode(response)).toBe('RANGE_INVALID');
  });

  it('a malformed Content-Range gets 416', async () => {
    const { app } = testApi();
    const location = await startSession(app);
    const response = await app.request(location, {
      method: 'PATCH',
      body: 'abc',
      headers: { 'Content-Range': 'nonsense' },
    });
    expect(response.status).toBe(416);
  });

  it('PUT with the last chunk in its body closes the upload', async () => {
    const { app } = testApi();
    const location = await startSession(app);
    await app.request(location, { method: 'PATCH', body: 'abc', headers: { 'Content-Length': '3' } });
    const digest = sha256('abcdef');
    const response = await app.request(`${location}?digest=${digest}`, {
      method: 'PUT',
      body: 'def',
      headers: { 'Content-Length': '3', 'Content-Range': '3-5' },
    });
    expect(response.status).toBe(201);
    expect(
      (await app.request(`/v2/app/blobs/${digest}`, { method: 'HEAD' })).headers.get('content-length'),
    ).toBe('6');
  });

  it('PUT with a digest that does not match the content gets DIGEST_INVALID 400', async () => {
    const { app } = testApi();
    const location = await startSession(app);
    const response = await app.request(`${location}?digest=${sha256('something else')}`, {
      method: 'PUT',
      body: 'abc',
      headers: { 'Content-Length': '3' },
    });
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('DIGEST_INVALID');
  });

  it('PUT without ?digest= gets DIGEST_INVALID 400', async () => {
    const { app } = testApi();
    const location = await startSession(app);
    const response = await app.request(location, { method: 'PUT' });
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('DIGEST_INVALID');
  });

  it('an unknown upload session gets BLOB_UPLOAD_UNKNOWN 404 on every method', async () => {
    const { app } = testApi();
    await startSession(app);
    for (const method of ['GET', 'PATCH', 'PUT', 'DELETE']) {
      const query = method === 'PUT' ? `?digest=${sha256('x')}` : '';
      const response = await app.request(
        `/v2/app/blobs/uploads/00000000-0000-4000-8000-000000000000${query}`,
        { method, ...(method === 'PATCH' || method === 'PUT' ? { body: 'x' } : {}) },
      );
      expect(response.status, method).toBe(404);
      expect(await errorCode(response), method).toBe('BLOB_UPLOAD_UNKNOWN');
    }
  });

  it('DELETE cancels a session: 204, then the session is unknown', async () => {
    const { app } = testApi();
    const location = await startSession(app);
    expect((await app.request(location, { method: 'DELETE' })).status).toBe(204);
    expect((await app.request(location)).status).toBe(404);
  });

  it('POST ?digest= pushes monolithically with 201 and Location', async () => {
    const { app } = testApi();
    const digest = sha256('mono');
    const response = await app.request(`/v2/app/blobs/uploads/?digest=${digest}`, {
      method: 'POST',
      body: 'mono',
      headers: { 'Content-Length': '4' },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/v2/app/blobs/${digest}`);
  });

  it('POST ?digest= with a Content-Length that does not match the body gets SIZE_INVALID 400', async () => {
    const { app } = testApi();
    const response = await app.request(`/v2/app/blobs/uploads/?digest=${sha256('mono')}`, {
      method: 'POST',
      body: 'mono',
      headers: { 'Content-Length': '9' },
    });
    expect(response.status).toBe(400);
  });

  it('POST ?mount=&from= mounts a blob of another repository with 201', async () => {
    const { app } = testApi();
    const digest = await pushBlob(app, 'source', 'shared layer');
    const response = await app.request(`/v2/target/blobs/uploads/?mount=${digest}&from=source`, {
      method: 'POST',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/v2/target/blobs/${digest}`);
    expect((await app.request(`/v2/target/blobs/${digest}`, { method: 'HEAD' })).status).toBe(200);
  });

  it('POST ?mount=&from= falls back to a 202 session when the source does not have the blob', async () => {
    const { app } = testApi();
    const response = await app.request(`/v2/target/blobs/uploads/?mount=${sha256('nothing')}&from=nowhere`, {
      method: 'POST',
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toMatch(/^\/v2\/target\/blobs\/uploads\//);
  });

  it('POST ?mount=&from= falls back to 202 when the caller may not read the source', async () => {
    const { app } = testApi({ authorize: (request) => ({ allowed: request.repository !== 'secret' }) });
    const digest = await pushBlob(app, 'other', 'x');
    const response = await app.request(`/v2/target/blobs/uploads/?mount=${digest}&from=secret`, {
      method: 'POST',
    });
    expect(response.status).toBe(202);
  });
});

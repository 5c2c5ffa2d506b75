// distribution-spec v1.1 conformance, workflows "Pull" and "Push", against the real server (spec.md MUST/SHOULD).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, makeImage, makeReferrer, ociManifestType } from './conformance-fixtures.js';
import { errorCode, sha256, startTestRegistry, type TestRegistry } from './helpers.js';

let registry: TestRegistry;
let api: ReturnType<typeof client>;
beforeAll(async () => {
  registry = await startTestRegistry();
  api = client(registry.url);
});
afterAll(async () => registry?.dispose());

describe('end-1: GET /v2/', () => {
  it('answers 200 (the registry implements the spec)', async () => {
    const response = await api.request('/v2/');
    expect(response.status).toBe(200);
  });
});

describe('push', () => {
  it('monolithic POST then PUT: 202 with Location, then 201 with the blob Location', async () => {
    const content = Buffer.from('monolithic two-step');
    const started = await api.request('/v2/push/mono/blobs/uploads/', { method: 'POST' });
    expect(started.status).toBe(202);
    const location = started.headers.get('location') ?? '';
    expect(location).not.toBe('');
    const put = await api.request(`${location}?digest=${sha256(content)}`, {
      method: 'PUT',
      body: content,
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    expect(put.status).toBe(201);
    expect(put.headers.get('location')).toBe(`/v2/push/mono/blobs/${sha256(content)}`);
  });

  it('monolithic single POST ?digest=: 201 with Location', async () => {
    const content = Buffer.from('single post');
    const response = await api.request(`/v2/push/single/blobs/uploads/?digest=${sha256(content)}`, {
      method: 'POST',
      body: content,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(content.length) },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toContain(sha256(content));
  });

  it('streamed: PATCH with a chunked body and no Content-Range, then PUT', async () => {
    const parts = [Buffer.alloc(300_000, 1), Buffer.alloc(500_000, 2)];
    const whole = Buffer.concat(parts);
    const started = await api.request('/v2/push/streamed/blobs/uploads/', { method: 'POST' });
    const body = new ReadableStream({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    });
    const patch = await api.request(started.headers.get('location') ?? '', {
      method: 'PATCH',
      body,
      duplex: 'half',
      headers: { 'Content-Type': 'application/octet-stream' },
    } as RequestInit);
    expect(patch.status).toBe(202);
    expect(patch.headers.get('range')).toBe(`0-${whole.length - 1}`);
    const put = await api.request(`${patch.headers.get('location')}?digest=${sha256(whole)}`, {
      method: 'PUT',
    });
    expect(put.status).toBe(201);
    const pulled = Buffer.from(
      await (await api.request(`/v2/push/streamed/blobs/${sha256(whole)}`)).arrayBuffer(),
    );
    expect(pulled.equals(whole)).toBe(true);
  });

  it('chunked: PATCHes with Content-Range in order (202, Range), out of order 416, GET status 204, PUT 201', async () => {
    const chunks = [Buffer.from('first-chunk;'), Buffer.from('second-chunk;'), Buffer.from('last')];
    const started = await api.request('/v2/push/chunked/blobs/uploads/', {
      method: 'POST',
      headers: { 'Content-Length': '0' },
    });
    let location = started.headers.get('location') ?? '';
    let offset = 0;
    for (const chunk of chunks.slice(0, 2)) {
      const patch = await api.request(location, {
        method: 'PATCH',
        body: chunk,
        headers: {
          'Content-Type': 'application/octet-stream',
          'Content-Range': `${offset}-${offset + chunk.length - 1}`,
          'Content-Length': String(chunk.length),
        },
      });
      expect(patch.status).toBe(202);
      offset += chunk.length;
      expect(patch.headers.get('range')).toBe(`0-${offset - 1}`);
      location = patch.headers.get('location') ?? '';
    }
    const outOfOrder = await api.request(location, {
      method: 'PATCH',
      body: 'zz',
      headers: { 'Content-Range': `${offset + 5}-${offset + 6}`, 'Content-Length': '2' },
    });
    expect(outOfOrder.status).toBe(416);
    const status = await api.request(location);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe(`0-${offset - 1}`);
    const last = chunks[2] ?? Buffer.alloc(0);
    const whole = Buffer.concat(chunks);
    const put = await api.request(`${location}?digest=${sha256(whole)}`, {
      method: 'PUT',
      body: last,
      headers: {
        'Content-Range': `${offset}-${offset + last.length - 1}`,
        'Content-Length': String(last.length),
      },
    });
    expect(put.status).toBe(201);
    expect(await (await api.request(`/v2/push/chunked/blobs/${sha256(whole)}`)).text()).toBe(
      whole.toString(),
    );
  });

  it('cross-repository mount: 201 when the source has the blob, 202 fallback otherwise', async () => {
    const content = 'mountable';
    await api.pushBlob('push/source', content);
    const mounted = await api.request(
      `/v2/push/target/blobs/uploads/?mount=${sha256(content)}&from=push/source`,
      { method: 'POST' },
    );
    expect(mounted.status).toBe(201);
    expect(mounted.headers.get('location')).toBe(`/v2/push/target/blobs/${sha256(content)}`);
    const fallback = await api.request(
      `/v2/push/target/blobs/uploads/?mount=${sha256('absent')}&from=push/source`,
      { method: 'POST' },
    );
    expect(fallback.status).toBe(202);
  });

  it('manifest PUT: 201 with Location; with a subject, OCI-Subject names it', async () => {
    const image = makeImage('push-manifest');
    const put = await api.pushImage('push/app', image, 'v1');
    expect(put.status).toBe(201);
    expect(put.headers.get('location')).toBe(`/v2/push/app/manifests/${image.digest}`);
    const referrer = makeReferrer('push-referrer', image, 'application/example.sig');
    const response = await api.pushImage('push/app', referrer, referrer.digest);
    expect(response.status).toBe(201);
    expect(response.headers.get('oci-subject')).toBe(image.digest);
  });

  it('a manifest may refer to a subject that does not exist yet', async () => {
    const missing = makeImage('never-pushed');
    const referrer = makeReferrer('dangling', missing, 'application/example.sig');
    expect((await api.pushImage('push/app', referrer, referrer.digest)).status).toBe(201);
  });

  it('rejects a blob whose content does not match ?digest= with DIGEST_INVALID', async () => {
    const started = await api.request('/v2/push/bad/blobs/uploads/', { method: 'POST' });
    const response = await api.request(`${started.headers.get('location')}?digest=${sha256('expected')}`, {
      method: 'PUT',
      body: 'actual',
    });
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('DIGEST_INVALID');
  });

  it('rejects a manifest over 4 MiB with 413', async () => {
    const big = JSON.stringify({
      schemaVersion: 2,
      mediaType: ociManifestType,
      pad: 'x'.repeat(4 * 1024 * 1024 + 1),
    });
    const response = await api.request('/v2/push/app/manifests/big', {
      method: 'PUT',
      body: big,
      headers: { 'Content-Type': ociManifestType },
    });
    expect(response.status).toBe(413);
    expect(await errorCode(response)).toBe('SIZE_TOO_LARGE');
  });
});

describe('pull', () => {
  it('GET and HEAD a manifest by tag and by digest: 200, Docker-Content-Digest, exact bytes', async () => {
    const image = makeImage('pull');
    await api.pushImage('pull/app', image, 'latest');
    for (const reference of ['latest', image.digest]) {
      const head = await api.request(`/v2/pull/app/manifests/${reference}`, {
        method: 'HEAD',
        headers: { Accept: ociManifestType },
      });
      expect(head.status).toBe(200);
      expect(head.headers.get('docker-content-digest')).toBe(image.digest);
      const get = await api.request(`/v2/pull/app/manifests/${reference}`, {
        headers: { Accept: ociManifestType },
      });
      expect(get.status).toBe(200);
      expect(get.headers.get('content-type')).toBe(ociManifestType);
      expect(await get.text()).toBe(image.manifest);
    }
  });

  it('GET and HEAD a blob: 200 with the content; a range read answers 206', async () => {
    const image = makeImage('pull');
    const layerDigest = sha256(image.layer);
    const head = await api.request(`/v2/pull/app/blobs/${layerDigest}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(image.layer.length));
    const get = await api.request(`/v2/pull/app/blobs/${layerDigest}`);
    expect(Buffer.from(await get.arrayBuffer()).equals(image.layer)).toBe(true);
    const ranged = await api.request(`/v2/pull/app/blobs/${layerDigest}`, {
      headers: { Range: 'bytes=0-9' },
    });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(image.layer.subarray(0, 10))).toBe(true);
  });

  it('answers 404 with MANIFEST_UNKNOWN / BLOB_UNKNOWN for what does not exist', async () => {
    const manifest = await api.request('/v2/pull/app/manifests/does-not-exist');
    expect(manifest.status).toBe(404);
    expect(await errorCode(manifest)).toBe('MANIFEST_UNKNOWN');
    const blob = await api.request(`/v2/pull/app/blobs/${sha256('nothing here')}`);
    expect(blob.status).toBe(404);
    expect(await errorCode(blob)).toBe('BLOB_UNKNOWN');
  });

  it('answers HEAD/GET of a malformed reference with 404 MANIFEST_UNKNOWN; a PUT with a malformed tag stays 400', async () => {
    for (const reference of ['.INVALID_MANIFEST_NAME', '-dash-first', 'sha256:totallywrong']) {
      const get = await api.request(`/v2/pull/app/manifests/${reference}`);
      expect(get.status, reference).toBe(404);
      expect(await errorCode(get)).toBe('MANIFEST_UNKNOWN');
      const head = await api.request(`/v2/pull/app/manifests/${reference}`, { method: 'HEAD' });
      expect(head.status, reference).toBe(404);
    }
    const image = makeImage('malformed-tag');
    const put = await api.pushImage('pull/app', image, '.INVALID_MANIFEST_NAME');
    expect(put.status).toBe(400);
    expect(await errorCode(put)).toBe('MANIFEST_INVALID');
  });
});

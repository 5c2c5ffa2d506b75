// A port of the official conformance workflows "Pull" and "Push" (distribution-spec v1.1.1,
// conformance/01_pull_test.go and 02_push_test.go): the same requests, in the same order, with the same data
// shapes and the same expectations, against the real server. The Go binary cannot be built here (no Go
// toolchain); this file is how CI knows it would pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConformanceClient,
  conformanceClient,
  expect2xx,
  expect2xxOr,
  getWithBody,
} from './conformance-official-client.js';
import {
  type Blob,
  chunkedBlob,
  chunks,
  configs,
  dummyDigest,
  emptyLayerManifest,
  layer,
  manifests,
  manifestType,
  nonexistentManifest,
  testBlobA,
} from './conformance-official-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

let registry: TestRegistry;
let api: ConformanceClient;
const namespace = 'conformance/official';
const crossmountNamespace = 'conformance-crossmount';
const accept = { Accept: manifestType };
beforeAll(async () => {
  registry = await startTestRegistry();
  api = conformanceClient(registry.url, namespace);
});
afterAll(async () => registry?.dispose());

const [config0, config1] = configs as [Blob, Blob];
const [manifest0, manifest1] = manifests as [Blob, Blob];

describe.sequential('official conformance: pull', () => {
  it('setup: blobs, a manifest by tag and one by digest', async () => {
    for (const blob of [config0, config1, layer]) expect2xx(await api.pushBlob(blob));
    expect2xx(await api.putManifest('tagtest0', manifest0, manifestType));
    expect2xx(await api.putManifest(manifest1.digest, manifest1, manifestType));
  });

  it('pull blobs: HEAD/GET 404 for a nonexistent blob, 200 with Docker-Content-Digest for an existing one', async () => {
    for (const method of ['HEAD', 'GET']) {
      expect((await api.send(method, `/v2/<name>/blobs/${dummyDigest}`)).status).toBe(404);
      const found = await api.send(method, `/v2/<name>/blobs/${config0.digest}`);
      expect(found.status).toBe(200);
      expect(found.headers.get('docker-content-digest')).toBe(config0.digest);
    }
  });

  it('pull manifests: HEAD/GET of .INVALID_MANIFEST_NAME 404; by digest and by tag 200', async () => {
    for (const method of ['HEAD', 'GET']) {
      const missing = await api.send(method, `/v2/<name>/manifests/${nonexistentManifest}`);
      expect(missing.status, method).toBe(404);
      if (method === 'GET')
        expect(((await missing.json()) as ErrorBody).errors[0]?.code).toBe('MANIFEST_UNKNOWN');
      for (const [reference, digest] of [
        [manifest0.digest, manifest0.digest],
        [manifest1.digest, manifest1.digest],
        ['tagtest0', manifest0.digest],
      ]) {
        const found = await api.send(method, `/v2/<name>/manifests/${reference}`, { headers: accept });
        expect(found.status, `${method} ${reference}`).toBe(200);
        expect(found.headers.get('docker-content-digest')).toBe(digest);
      }
    }
  });

  it('error codes: GET sha256:totallywrong with a body is 404, or 400 with a spec error code', async () => {
    const response = await getWithBody(
      api.url('/v2/<name>/manifests/sha256:totallywrong'),
      { 'Content-Type': manifestType },
      Buffer.from('blablabla'),
    );
    expect([400, 404]).toContain(response.status);
    const body = JSON.parse(response.text) as ErrorBody;
    expect(['DIGEST_INVALID', 'MANIFEST_INVALID', 'MANIFEST_UNKNOWN']).toContain(body.errors[0]?.code);
  });

  it('teardown: manifests first, then their blobs', async () => {
    for (const manifest of [manifest0, manifest1])
      expect2xxOr(await api.send('DELETE', `/v2/<name>/manifests/${manifest.digest}`), 405);
    for (const blob of [config0, config1, layer])
      expect2xxOr(await api.send('DELETE', `/v2/<name>/blobs/${blob.digest}`), 404, 405);
  });
});

interface ErrorBody {
  errors: Array<{ code: string }>;
}

describe.sequential('official conformance: push', () => {
  let last: Response;

  it('streamed: PATCH with the blob in the body 202, then PUT ?digest= without a body 201', async () => {
    const started = await api.send('POST', '/v2/<name>/blobs/uploads/');
    const patch = await api.send('PATCH', api.relativeLocation(started), {
      headers: { 'Content-Type': 'application/octet-stream' },
      body: testBlobA.content,
    });
    expect(patch.status).toBe(202);
    const put = await api.send('PUT', api.relativeLocation(patch), {
      query: { digest: testBlobA.digest },
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    expect(put.status).toBe(201);
    expect(put.headers.get('location')).toBeTruthy();
    expect((await api.send('GET', `/v2/<name>/blobs/${dummyDigest}`)).status).toBe(404);
  });

  it('monolithic: POST ?digest= with the blob 201 (or 202), then the blob is there (or not)', async () => {
    const post = await api.send('POST', '/v2/<name>/blobs/uploads/', {
      query: { digest: config1.digest },
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(config1.content.length),
      },
      body: config1.content,
    });
    expect([201, 202]).toContain(post.status);
    expect(post.headers.get('location')).toBeTruthy();
    const get = await api.send('GET', `/v2/<name>/blobs/${config1.digest}`);
    expect(get.status).toBe(post.status === 202 ? 404 : 200);
    for (const blob of [config1, layer]) {
      const started = await api.send('POST', '/v2/<name>/blobs/uploads/');
      expect(started.status).toBe(202);
      const put = await api.send('PUT', api.relativeLocation(started), {
        query: { digest: blob.digest },
        headers: {
          'Content-Type': 'application/octet-stream',
          'Content-Length': String(blob.content.length),
        },
        body: blob.content,
      });
      expect(put.status).toBe(201);
      expect(put.headers.get('location')).toBeTruthy();
      expect((await api.send('GET', `/v2/<name>/blobs/${blob.digest}`)).status).toBe(200);
    }
  });

  it('chunked: out of order 416, first chunk 202 with Range, retry 416, GET 204, second chunk 202, PUT 201', async () => {
    const chunk = (index: 0 | 1) => ({
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(chunks[index].length),
      'Content-Range':
        index === 0 ? `0-${chunks[0].length - 1}` : `${chunks[0].length}-${chunkedBlob.content.length - 1}`,
    });
    const stale = await api.send('POST', '/v2/<name>/blobs/uploads/', { headers: { 'Content-Length': '0' } });
    const outOfOrder = await api.send('PATCH', api.relativeLocation(stale), {
      headers: chunk(1),
      body: chunks[1],
    });
    expect(outOfOrder.status).toBe(416);

    const started = await api.send('POST', '/v2/<name>/blobs/uploads/', {
      headers: { 'Content-Length': '0' },
    });
    const first = await api.send('PATCH', api.relativeLocation(started), {
      headers: chunk(0),
      body: chunks[0],
    });
    expect(first.status).toBe(202);
    expect(first.headers.get('range')).toBe(`0-${chunks[0].length - 1}`);
    const retry = await api.send('PATCH', api.relativeLocation(first), {
      headers: chunk(0),
      body: chunks[0],
    });
    expect(retry.status).toBe(416);
    const status = await api.send('GET', api.relativeLocation(first));
    expect(status.status).toBe(204);
    expect(status.headers.get('location')).toBeTruthy();
    expect(status.headers.get('range')).toBe(`0-${chunks[0].length - 1}`);
    const second = await api.send('PATCH', api.relativeLocation(status), {
      headers: chunk(1),
      body: chunks[1],
    });
    expect(second.status).toBe(202);
    const put = await api.send('PUT', api.relativeLocation(second), {
      query: { digest: chunkedBlob.digest },
      headers: { 'Content-Length': '0', 'Content-Type': 'application/octet-stream' },
    });
    expect(put.status).toBe(201);
    expect(put.headers.get('location')).toBeTruthy();
  });

  it('cross-repository mount: without from 202 with a session; from the namespace 201 at /v2/<other>/blobs/<digest>', async () => {
    const withoutFrom = await api.send('POST', `/v2/${crossmountNamespace}/blobs/uploads/`, {
      query: { mount: dummyDigest },
    });
    expect(withoutFrom.status).toBe(202);
    expect(withoutFrom.headers.get('location')).toBeTruthy();
    last = await api.send('POST', `/v2/${crossmountNamespace}/blobs/uploads/`, {
      query: { mount: testBlobA.digest, from: namespace },
    });
    expect([201, 202]).toContain(last.status);
    expect(api.relativeLocation(last)).toBe(`/v2/${crossmountNamespace}/blobs/${testBlobA.digest}`);
    expect((await api.send('GET', api.relativeLocation(last))).status).toBe(200);
  });

  it('manifests: GET .INVALID_MANIFEST_NAME 404; PUT four tags 201 with Location; a manifest with no layers 201', async () => {
    expect((await api.send('GET', `/v2/<name>/manifests/${nonexistentManifest}`)).status).toBe(404);
    for (const tag of ['test0', 'test1', 'test2', 'test3']) {
      const put = await api.putManifest(tag, manifest1, manifestType);
      expect(put.status).toBe(201);
      expect(put.headers.get('location')).toBeTruthy();
    }
    const empty = await api.putManifest('emptylayer', emptyLayerManifest, manifestType);
    expect(empty.status).toBe(201);
    expect(empty.headers.get('location')).toBeTruthy();
    const get = await api.send('GET', `/v2/<name>/manifests/${manifest1.digest}`, { headers: accept });
    expect(get.status).toBe(200);
  });

  it('teardown: the manifests, then the config and layer blobs', async () => {
    for (const manifest of [manifest1, emptyLayerManifest])
      expect2xxOr(await api.send('DELETE', `/v2/<name>/manifests/${manifest.digest}`), 405);
    for (const blob of [config1, layer])
      expect2xxOr(await api.send('DELETE', `/v2/<name>/blobs/${blob.digest}`), 404, 405);
  });
});

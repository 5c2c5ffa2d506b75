import { describe, expect, it } from 'vitest';
import { errorCode, prepareImage, putManifest, sha256, testApi } from './helpers.js';

const ociManifest = 'application/vnd.oci.image.manifest.v1+json';

describe('manifests', () => {
  it('PUT by tag answers 201 with Location and Docker-Content-Digest; GET returns the exact bytes', async () => {
    const { app } = testApi();
    const image = await prepareImage(app, 'org/app');
    const put = await putManifest(app, 'org/app', 'v1', image.manifest);
    expect(put.status).toBe(201);
    expect(put.headers.get('location')).toBe(`/v2/org/app/manifests/${image.digest}`);
    expect(put.headers.get('docker-content-digest')).toBe(image.digest);
    for (const reference of ['v1', image.digest]) {
      const get = await app.request(`/v2/org/app/manifests/${reference}`, {
        headers: { Accept: ociManifest },
      });
      expect(get.status).toBe(200);
      expect(get.headers.get('content-type')).toBe(ociManifest);
      expect(get.headers.get('docker-content-digest')).toBe(image.digest);
      expect(await get.text()).toBe(image.manifest);
    }
  });

  it('HEAD answers the headers without a body', async () => {
    const { app } = testApi();
    const image = await prepareImage(app, 'app');
    await putManifest(app, 'app', 'v1', image.manifest);
    const head = await app.request('/v2/app/manifests/v1', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(image.manifest)));
    expect(head.headers.get('docker-content-digest')).toBe(image.digest);
    expect(await head.text()).toBe('');
  });

  it('answers MANIFEST_UNKNOWN 404 when the Accept header excludes the stored media type', async () => {
    const { app } = testApi();
    const image = await prepareImage(app, 'app');
    await putManifest(app, 'app', 'v1', image.manifest);
    const response = await app.request('/v2/app/manifests/v1', {
      headers: { Accept: 'application/vnd.oci.image.index.v1+json' },
    });
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe('MANIFEST_UNKNOWN');
    expect((await app.request('/v2/app/manifests/v1', { headers: { Accept: '*/*' } })).status).toBe(200);
  });

  it('answers MANIFEST_UNKNOWN 404 for an unknown tag and NAME_UNKNOWN 404 for an unknown repository', async () => {
    const { app } = testApi();
    const image = await prepareImage(app, 'app');
    await putManifest(app, 'app', 'v1', image.manifest);
    const unknownTag = await app.request('/v2/app/manifests/nope');
    expect(unknownTag.status).toBe(404);
    expect(await errorCode(unknownTag)).toBe('MANIFEST_UNKNOWN');
    const unknownRepository = await app.request('/v2/never/pushed/manifests/v1');
    expect(unknownRepository.status).toBe(404);
    expect(['NAME_UNKNOWN', 'MANIFEST_UNKNOWN']).toContain(await errorCode(unknownRepository));
  });

  it('refuses a manifest over 4 MiB with SIZE_TOO_LARGE 413', async () => {
    const { app } = testApi();
    const big = JSON.stringify({
      schemaVersion: 2,
      mediaType: ociManifest,
      padding: 'x'.repeat(4 * 1024 * 1024),
    });
    const response = await putManifest(app, 'app', 'big', big);
    expect(response.status).toBe(413);
    expect(await errorCode(response)).toBe('SIZE_TOO_LARGE');
  });

  it('refuses a manifest naming a blob the repository lacks with MANIFEST_BLOB_UNKNOWN 400', async () => {
    const { app } = testApi();
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: ociManifest,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256('missing'), size: 7 },
      layers: [],
    });
    const response = await putManifest(app, 'app', 'v1', manifest);
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('MANIFEST_BLOB_UNKNOWN');
  });

  it('refuses invalid JSON with MANIFEST_INVALID 400 and a digest reference that does not match with DIGEST_INVALID', async () => {
    const { app } = testApi();
    const invalid = await putManifest(app, 'app', 'v1', '{not json');
    expect(invalid.status).toBe(400);
    expect(await errorCode(invalid)).toBe('MANIFEST_INVALID');
    const image = await prepareImage(app, 'app');
    const mismatch = await putManifest(app, 'app', sha256('other'), image.manifest);
    expect(mismatch.status).toBe(400);
    expect(await errorCode(mismatch)).toBe('DIGEST_INVALID');
  });

  it('PUT by digest with several ?tag= answers one OCI-Tag per tag and every tag resolves', async () => {
    const { app } = testApi();
    const image = await prepareImage(app, 'app');
    const response = await app.request(`/v2/app/manifests/${image.digest}?tag=a&tag=b`, {
      method: 'PUT',
      body: image.manifest,
      headers: { 'Content-Type': ociManifest },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('oci-tag')).toBe('a, b');
    const tags = (await (await app.request('/v2/app/tags/list')).json()) as { tags: string[] };
    expect(tags.tags).toEqual(['a', 'b']);
  });

  it('caps the number of ?tag= parameters', async () => {
    const { app } = testApi({ limits: { maxTagsPerPush: 2 } });
    const image = await prepareImage(app, 'app');
    const response = await app.request(`/v2/app/manifests/${image.digest}?tag=a&tag=b&tag=c`, {
      method: 'PUT',
      body: image.manifest,
      headers: { 'Content-Type': ociManifest },
    });
    expect(response.status).toBe(413);
  });

  it('answers OCI-Subject when the manifest has a subject', async () => {
    const { app } = testApi();
    const image = await prepareImage(app, 'app');
    await putManifest(app, 'app', 'v1', image.manifest);
    const subjectDescriptor = {
      mediaType: ociManifest,
      digest: image.digest,
      size: Buffer.byteLength(image.manifest),
    };
    const referrer = await prepareImage(app, 'app', 'signature', {
      subject: subjectDescriptor,
      artifactType: 'application/example.sig',
    });
    const response = await putManifest(app, 'app', referrer.digest, referrer.manifest);
    expect(response.status).toBe(201);
    expect(response.headers.get('oci-subject')).toBe(image.digest);
  });

  it('DELETE by tag untags (202) and DELETE by digest removes the manifest (202)', async () => {
    const { app } = testApi();
    const image = await prepareImage(app, 'app');
    await putManifest(app, 'app', 'v1', image.manifest);
    await putManifest(app, 'app', 'v2', image.manifest);
    expect((await app.request('/v2/app/manifests/v1', { method: 'DELETE' })).status).toBe(202);
    expect((await app.request('/v2/app/manifests/v1', { method: 'HEAD' })).status).toBe(404);
    expect((await app.request('/v2/app/manifests/v2', { method: 'HEAD' })).status).toBe(200);
    expect((await app.request(`/v2/app/manifests/${image.digest}`, { method: 'DELETE' })).status).toBe(202);
    expect((await app.request(`/v2/app/manifests/${image.digest}`, { method: 'HEAD' })).status).toBe(404);
    expect((await app.request('/v2/app/manifests/v2', { method: 'HEAD' })).status).toBe(404);
  });

  it('refuses a PUT with an invalid tag with MANIFEST_INVALID 400', async () => {
    const { app } = testApi();
    const image = await prepareImage(app, 'app');
    const response = await app.request('/v2/app/manifests/-bad-tag', {
      method: 'PUT',
      body: image.manifest,
      headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('MANIFEST_INVALID');
  });

  it('answers GET/HEAD of a malformed reference with 404 (MANIFEST_UNKNOWN, or NAME_UNKNOWN without the repository)', async () => {
    const { app } = testApi();
    const missingRepository = await app.request('/v2/app/manifests/-bad-tag');
    expect(missingRepository.status).toBe(404);
    expect(await errorCode(missingRepository)).toBe('NAME_UNKNOWN');
    const image = await prepareImage(app, 'app');
    await putManifest(app, 'app', 'v1', image.manifest);
    for (const reference of ['-bad-tag', '.INVALID_MANIFEST_NAME', 'sha256:totallywrong']) {
      const got = await app.request(`/v2/app/manifests/${reference}`);
      expect(got.status, reference).toBe(404);
      expect(await errorCode(got), reference).toBe('MANIFEST_UNKNOWN');
      expect((await app.request(`/v2/app/manifests/${reference}`, { method: 'HEAD' })).status).toBe(404);
    }
  });
});

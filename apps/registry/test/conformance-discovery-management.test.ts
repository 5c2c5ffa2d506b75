// distribution-spec v1.1 conformance, workflows "Content discovery" (tags, referrers) and "Content management"
// (deleting tags, manifests, blobs), against the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  type Image,
  makeImage,
  makeReferrer,
  ociIndexType,
  ociManifestType,
} from './conformance-fixtures.js';
import { errorCode, sha256, startTestRegistry, type TestRegistry } from './helpers.js';

let registry: TestRegistry;
let api: ReturnType<typeof client>;
let subject: Image;
beforeAll(async () => {
  registry = await startTestRegistry();
  api = client(registry.url);
  subject = makeImage('discovery');
  for (const tag of ['test0', 'test1', 'test2', 'test3']) await api.pushImage('disc/app', subject, tag);
});
afterAll(async () => registry?.dispose());

describe('content discovery: tags', () => {
  it('lists every tag with 200', async () => {
    const response = await api.request('/v2/disc/app/tags/list');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name: 'disc/app', tags: ['test0', 'test1', 'test2', 'test3'] });
  });

  it('limits the count with n and continues after last, with a Link to the next page', async () => {
    const first = await api.request('/v2/disc/app/tags/list?n=2');
    expect(((await first.json()) as { tags: string[] }).tags).toEqual(['test0', 'test1']);
    const link = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
    expect(link).toBeDefined();
    const second = await api.request(link ?? '');
    const tags = ((await second.json()) as { tags: string[] }).tags;
    expect(tags).toEqual(['test2', 'test3']);
    expect(tags).not.toContain('test1');
  });
});

describe('content discovery: referrers', () => {
  let sbom: Image;
  let signature: Image;
  beforeAll(async () => {
    sbom = makeReferrer('sbom', subject, 'application/example.sbom');
    signature = makeReferrer('signature', subject, 'application/example.signature');
    await api.pushBlob('disc/app', '{}');
    for (const referrer of [sbom, signature]) await api.pushImage('disc/app', referrer, referrer.digest);
  });

  it('answers an image index of every referrer, with their annotations and artifactType', async () => {
    const response = await api.request(`/v2/disc/app/referrers/${subject.digest}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(ociIndexType);
    const index = (await response.json()) as {
      schemaVersion: number;
      mediaType: string;
      manifests: Array<{
        digest: string;
        mediaType: string;
        size: number;
        artifactType: string;
        annotations: Record<string, string>;
      }>;
    };
    expect(index.schemaVersion).toBe(2);
    expect(index.mediaType).toBe(ociIndexType);
    const byDigest = new Map(index.manifests.map((m) => [m.digest, m]));
    expect(byDigest.get(sbom.digest)).toMatchObject({
      mediaType: ociManifestType,
      size: Buffer.byteLength(sbom.manifest),
      artifactType: 'application/example.sbom',
      annotations: { 'org.example.seed': 'sbom' },
    });
    expect(byDigest.get(signature.digest)?.artifactType).toBe('application/example.signature');
  });

  it('filters by artifactType and says so with OCI-Filters-Applied', async () => {
    const response = await api.request(
      `/v2/disc/app/referrers/${subject.digest}?artifactType=application/example.sbom`,
    );
    expect(response.headers.get('oci-filters-applied')).toBe('artifactType');
    const index = (await response.json()) as { manifests: Array<{ digest: string }> };
    expect(index.manifests.map((m) => m.digest)).toEqual([sbom.digest]);
  });

  it('answers 200 with an empty index for a subject nobody refers to', async () => {
    const response = await api.request(`/v2/disc/app/referrers/${sha256('nobody')}`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { manifests: unknown[] }).manifests).toEqual([]);
  });
});

describe('content management', () => {
  it('DELETE a tag: 202, the tag is gone, the manifest stays', async () => {
    const response = await api.request('/v2/disc/app/manifests/test3', { method: 'DELETE' });
    expect(response.status).toBe(202);
    expect((await api.request('/v2/disc/app/manifests/test3', { method: 'HEAD' })).status).toBe(404);
    expect((await api.request(`/v2/disc/app/manifests/${subject.digest}`, { method: 'HEAD' })).status).toBe(
      200,
    );
  });

  it('DELETE a manifest by digest: 202, then 404 by digest and by its tags', async () => {
    const image = makeImage('to-delete');
    await api.pushImage('mgmt/app', image, 'gone');
    const response = await api.request(`/v2/mgmt/app/manifests/${image.digest}`, { method: 'DELETE' });
    expect(response.status).toBe(202);
    const byDigest = await api.request(`/v2/mgmt/app/manifests/${image.digest}`);
    expect(byDigest.status).toBe(404);
    expect(await errorCode(byDigest)).toBe('MANIFEST_UNKNOWN');
    expect((await api.request('/v2/mgmt/app/manifests/gone')).status).toBe(404);
  });

  it('DELETE a blob: 202, then 404 BLOB_UNKNOWN', async () => {
    await api.pushBlob('mgmt/data', 'deletable');
    const response = await api.request(`/v2/mgmt/data/blobs/${sha256('deletable')}`, { method: 'DELETE' });
    expect(response.status).toBe(202);
    const after = await api.request(`/v2/mgmt/data/blobs/${sha256('deletable')}`);
    expect(after.status).toBe(404);
    expect(await errorCode(after)).toBe('BLOB_UNKNOWN');
  });

  it('DELETE of an unknown manifest answers 404 MANIFEST_UNKNOWN', async () => {
    const response = await api.request(`/v2/disc/app/manifests/${sha256('unknown manifest')}`, {
      method: 'DELETE',
    });
    expect(response.status).toBe(404);
  });
});

describe('error responses', () => {
  it('every error is {"errors":[{code,message,detail}]} with JSON content type', async () => {
    const responses = await Promise.all([
      api.request('/v2/UPPER/tags/list'),
      api.request('/v2/disc/app/blobs/uploads/00000000-0000-4000-8000-000000000000'),
      api.request(`/v2/disc/app/blobs/${sha256('x')}`, { headers: { Range: 'bytes=5-1' } }),
    ]);
    const codes: string[] = [];
    for (const response of responses) {
      expect(response.headers.get('content-type')).toContain('application/json');
      const body = (await response.json()) as { errors: Array<Record<string, unknown>> };
      expect(body.errors).toHaveLength(1);
      expect(Object.keys(body.errors[0] ?? {}).sort()).toEqual(['code', 'detail', 'message']);
      codes.push(String(body.errors[0]?.code));
    }
    expect(codes).toEqual(['NAME_INVALID', 'BLOB_UPLOAD_UNKNOWN', 'BLOB_UNKNOWN']);
  });
});

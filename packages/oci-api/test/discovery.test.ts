import { describe, expect, it } from 'vitest';
import { prepareImage, putManifest, sha256, testApi } from './helpers.js';

const indexType = 'application/vnd.oci.image.index.v1+json';

async function taggedRepository(tags: string[]) {
  const api = testApi();
  const image = await prepareImage(api.app, 'app');
  for (const tag of tags) await putManifest(api.app, 'app', tag, image.manifest);
  return { ...api, image };
}

describe('GET /v2/', () => {
  it('answers 200 {} with Docker-Distribution-API-Version', async () => {
    const { app } = testApi();
    const response = await app.request('/v2/');
    expect(response.status).toBe(200);
    expect(response.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(await response.json()).toEqual({});
  });
});

describe('tags/list', () => {
  it('lists tags in lexical order', async () => {
    const { app } = await taggedRepository(['b', 'a', 'c']);
    expect(await (await app.request('/v2/app/tags/list')).json()).toEqual({
      name: 'app',
      tags: ['a', 'b', 'c'],
    });
  });

  it('pages with n and last, with a Link header while more follow', async () => {
    const { app } = await taggedRepository(['t1', 't2', 't3', 't4']);
    const first = await app.request('/v2/app/tags/list?n=2');
    expect(((await first.json()) as { tags: string[] }).tags).toEqual(['t1', 't2']);
    expect(first.headers.get('link')).toBe('</v2/app/tags/list?n=2&last=t2>; rel="next"');
    const second = await app.request('/v2/app/tags/list?n=2&last=t2');
    expect(((await second.json()) as { tags: string[] }).tags).toEqual(['t3', 't4']);
    expect(second.headers.get('link')).toBeNull();
  });

  it('answers an empty list for n=0', async () => {
    const { app } = await taggedRepository(['t1']);
    expect(((await (await app.request('/v2/app/tags/list?n=0')).json()) as { tags: string[] }).tags).toEqual(
      [],
    );
  });

  it('answers NAME_UNKNOWN 404 for an unknown repository', async () => {
    const { app } = testApi();
    expect((await app.request('/v2/nothing/tags/list')).status).toBe(404);
  });
});

describe('_catalog', () => {
  it('lists repositories with n/last paging and a Link header', async () => {
    const { app } = testApi();
    for (const name of ['c', 'a', 'b/x']) {
      const image = await prepareImage(app, name);
      await putManifest(app, name, 'v1', image.manifest);
    }
    const first = await app.request('/v2/_catalog?n=2');
    expect(await first.json()).toEqual({ repositories: ['a', 'b/x'] });
    expect(first.headers.get('link')).toBe('</v2/_catalog?n=2&last=b%2Fx>; rel="next"');
    expect(await (await app.request('/v2/_catalog?n=2&last=b/x')).json()).toEqual({ repositories: ['c'] });
  });

  it('shows only the repositories the caller may read', async () => {
    const { app } = testApi({
      authorize: (request) => ({ allowed: !(request.repository === 'hidden' && request.action === 'read') }),
    });
    for (const name of ['hidden', 'shown']) {
      const image = await prepareImage(app, name);
      await putManifest(app, name, 'v1', image.manifest);
    }
    expect(await (await app.request('/v2/_catalog')).json()).toEqual({ repositories: ['shown'] });
  });
});

describe('referrers', () => {
  it('answers an empty OCI image index for an unknown subject and an unknown repository', async () => {
    const { app } = await taggedRepository(['v1']);
    for (const path of [
      `/v2/app/referrers/${sha256('unknown')}`,
      `/v2/nowhere/referrers/${sha256('unknown')}`,
    ]) {
      const response = await app.request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe(indexType);
      expect(await response.json()).toEqual({ schemaVersion: 2, mediaType: indexType, manifests: [] });
    }
  });

  it('lists referrers and filters by artifactType with OCI-Filters-Applied', async () => {
    const { app, image } = await taggedRepository(['v1']);
    const subject = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: image.digest,
      size: Buffer.byteLength(image.manifest),
    };
    const signature = await prepareImage(app, 'app', 'sig', {
      subject,
      artifactType: 'application/example.sig',
    });
    const sbom = await prepareImage(app, 'app', 'sbom', {
      subject,
      artifactType: 'application/example.sbom',
    });
    await putManifest(app, 'app', signature.digest, signature.manifest);
    await putManifest(app, 'app', sbom.digest, sbom.manifest);
    const all = (await (await app.request(`/v2/app/referrers/${image.digest}`)).json()) as {
      manifests: Array<{ digest: string; artifactType: string }>;
    };
    expect(all.manifests.map((m) => m.digest).sort()).toEqual([signature.digest, sbom.digest].sort());
    const filtered = await app.request(
      `/v2/app/referrers/${image.digest}?artifactType=application/example.sig`,
    );
    expect(filtered.headers.get('oci-filters-applied')).toBe('artifactType');
    const body = (await filtered.json()) as { manifests: Array<{ digest: string; artifactType: string }> };
    expect(body.manifests).toHaveLength(1);
    expect(body.manifests[0]).toMatchObject({
      digest: signature.digest,
      artifactType: 'application/example.sig',
    });
  });

  it('answers DIGEST_INVALID 400 for a malformed subject digest', async () => {
    const { app } = testApi();
    expect((await app.request('/v2/app/referrers/sha256:nope')).status).toBe(400);
  });
});

describe('_oci/ext/discover', () => {
  it('lists the configured extensions', async () => {
    const extensions = [{ name: '_zot', url: 'https://zotregistry.dev', endpoints: ['/v2/_zot/ext/search'] }];
    const { app } = testApi({ extensions });
    expect(await (await app.request('/v2/_oci/ext/discover')).json()).toEqual({ extensions });
  });
});

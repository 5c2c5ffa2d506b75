// Image queries against a memory RepoMetaStore, with the shapes zot answers (zot's search_test.go).
import { describe, expect, it } from 'vitest';
import { CVE_DISABLED_MESSAGE } from '../src/index.js';
import { digestOf, imageOf } from './fixtures.js';
import { useSeededApi } from './seeded.js';

const seeded = useSeededApi();
const query = (...args: Parameters<typeof seeded.query>) => seeded.query(...args);

describe('images', () => {
  it('ImageList gives zot image summaries: sizes, annotations with label fallback, history and layers', async () => {
    const { data, errors } =
      await query(`{ ImageList(repo: "apps/web") { Page { TotalCount ItemCount } Results {
      RepoName Tag Digest MediaType Size Description Vendor Licenses Authors LastUpdated PushTimestamp PushedBy TaggedTimestamp
      LastPullTimestamp DownloadCount IsSigned Vulnerabilities { Count MaxSeverity }
      Manifests { Digest ConfigDigest Size Platform { Os Arch } ArtifactType Layers { Digest Size } History { Layer { Digest } HistoryDescription { Created } } } } } }`);
    expect(errors).toBeUndefined();
    const [web] = data.ImageList.Results;
    expect(web).toMatchObject({
      RepoName: 'apps/web',
      Tag: 'v1',
      Digest: digestOf('web-v1'),
      MediaType: 'application/vnd.oci.image.manifest.v1+json',
      Size: String(500 + 100 + 2 * 1000),
      Description: 'the web app',
      Vendor: 'acme',
      Licenses: 'MIT',
      Authors: 'bob',
      LastUpdated: '2024-02-01T00:00:00Z',
      PushTimestamp: '2025-01-03T00:00:00Z',
      PushedBy: 'alice',
      TaggedTimestamp: '2025-01-03T00:00:00Z',
      LastPullTimestamp: '0001-01-01T00:00:00Z',
      DownloadCount: 0,
      IsSigned: false,
      Vulnerabilities: { Count: 0, MaxSeverity: '' },
    });
    expect(web.Manifests[0].Layers).toEqual([
      { Digest: digestOf('base'), Size: '1000' },
      { Digest: digestOf('web'), Size: '1000' },
    ]);
    expect(web.Manifests[0].History).toEqual([
      { Layer: { Digest: digestOf('base') }, HistoryDescription: { Created: null } },
      { Layer: { Digest: digestOf('web') }, HistoryDescription: { Created: null } },
    ]);
    expect(web.Manifests[0].ArtifactType).toBe('application/vnd.oci.image.config.v1+json');
  });

  it('a multi-arch index is one image with a manifest per platform; ImageList("") lists every tag', async () => {
    const { data } = await query(
      '{ ImageList(repo: "") { Page { TotalCount } Results { RepoName Tag MediaType Size LastUpdated Manifests { Platform { Os Arch } } } } }',
    );
    expect(data.ImageList.Page.TotalCount).toBe(4);
    const multi = data.ImageList.Results.find((r: { Tag: string }) => r.Tag === 'multi');
    expect(multi.MediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(multi.Size).toBe(String(2 * (500 + 100 + 1000)));
    expect(multi.LastUpdated).toBe('2024-03-02T00:00:00Z');
    expect(multi.Manifests.map((m: { Platform: unknown }) => m.Platform)).toEqual([
      { Os: 'linux', Arch: 'amd64' },
      { Os: 'linux', Arch: 'arm64/v8' },
    ]);
  });

  it('Image resolves "repo:tag"; a missing tag or reference is an error', async () => {
    expect((await query('{ Image(image: "alpine:3.18") { RepoName Tag } }')).data.Image).toEqual({
      RepoName: 'alpine',
      Tag: '3.18',
    });
    expect((await query('{ Image(image: "alpine:nope") { Tag } }')).errors?.[0]?.message).toBe(
      "can't find image: alpine:nope",
    );
    expect((await query('{ Image(image: "alpine") { Tag } }')).errors?.[0]?.message).toBe(
      'no reference provided',
    );
  });

  it('ImageListForDigest matches manifest, config and layer digests; an index keeps the matching manifest', async () => {
    const byConfig = await query(
      `{ ImageListForDigest(id: "${digestOf('multi-arm64-config')}") { Results { Tag Manifests { Digest } } } }`,
    );
    expect(byConfig.data.ImageListForDigest.Results).toEqual([
      { Tag: 'multi', Manifests: [{ Digest: digestOf('multi-arm64') }] },
    ]);
  });

  it('DerivedImageList and BaseImageList compare layer prefixes', async () => {
    const derived = await query(
      '{ DerivedImageList(image: "alpine:3.18") { Page { TotalCount } Results { RepoName Tag } } }',
    );
    expect(derived.data.DerivedImageList.Results).toEqual([{ RepoName: 'apps/web', Tag: 'v1' }]);
    const base = await query('{ BaseImageList(image: "apps/web:v1") { Results { RepoName Tag } } }');
    expect(base.data.BaseImageList.Results).toEqual([{ RepoName: 'alpine', Tag: '3.18' }]);
    expect(
      (await query('{ BaseImageList(image: "nothere:v1") { Page { TotalCount } } }')).errors?.[0]?.message,
    ).toBe('repository not found');
  });

  it("Referrers lists a subject's referrers, filtered by artifact type", async () => {
    const subject = digestOf('web-v1');
    await seeded.stores.push(
      'apps/web',
      digestOf('sbom'),
      imageOf('sbom', { subject, artifactType: 'application/spdx+json' }),
    );
    const all = await query(
      `{ Referrers(repo: "apps/web", digest: "${subject}") { Digest ArtifactType MediaType Size Annotations { Key Value } } }`,
    );
    expect(all.data.Referrers).toEqual([
      {
        Digest: digestOf('sbom'),
        ArtifactType: 'application/spdx+json',
        MediaType: 'application/vnd.oci.image.manifest.v1+json',
        Size: 500,
        Annotations: [],
      },
    ]);
    const other = await query(
      `{ Referrers(repo: "apps/web", digest: "${subject}", type: ["text/plain"]) { Digest } }`,
    );
    expect(other.data.Referrers).toEqual([]);
    expect(
      (await query('{ Referrers(repo: "apps/web", digest: "nope") { Digest } }')).errors?.[0]?.message,
    ).toMatch(/bad digest string/);
  });
});

describe('CVE queries', () => {
  it('answer with an error saying no vulnerability scanner is configured', async () => {
    const { data, errors } = await query('{ CVEListForImage(image: "alpine:3.18") { Tag } }');
    expect(data).toBeNull();
    expect(errors?.[0]?.message).toBe(CVE_DISABLED_MESSAGE);
    expect(CVE_DISABLED_MESSAGE).toMatch(/^cve search is disabled/);
  });
});

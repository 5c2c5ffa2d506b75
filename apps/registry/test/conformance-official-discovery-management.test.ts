// A port of the official conformance workflows "Content Discovery" and "Content Management" (distribution-spec
// v1.1.1, conformance/03_discovery_test.go and 04_management_test.go): same requests, order, data shapes and
// expectations, against the real server (the Go binary cannot be built here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConformanceClient,
  conformanceClient,
  expect2xx,
  expect2xxOr,
} from './conformance-official-client.js';
import {
  annotationKey,
  annotationOf,
  artifactTypeA,
  type Blob,
  configs,
  dummyDigest,
  emptyJson,
  indexType,
  layer,
  manifests,
  manifestType,
  refBlobA,
  refBlobB,
  refs,
  refsIndex,
} from './conformance-official-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

let registry: TestRegistry;
let api: ConformanceClient;
beforeAll(async () => {
  registry = await startTestRegistry();
  api = conformanceClient(registry.url, 'conformance/official');
});
afterAll(async () => registry?.dispose());

const [, , config2, config3, config4] = configs as [Blob, Blob, Blob, Blob, Blob];
const [, , manifest2, manifest3, manifest4] = manifests as [Blob, Blob, Blob, Blob, Blob];

interface ReferrersIndex {
  manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
}
const tagsOf = async (response: Response) => ((await response.json()) as { tags: string[] }).tags;

describe.sequential('official conformance: content discovery', () => {
  let tagList: string[] = [];

  it('setup: four tags, then five referrers of manifests[4] (one an index) and one of an absent manifest', async () => {
    for (const blob of [config2, layer]) expect2xx(await api.pushBlob(blob));
    for (const tag of ['test0', 'test1', 'test2', 'test3'])
      expect2xx(await api.putManifest(tag, manifest2, manifestType));
    tagList = await tagsOf(await api.send('GET', '/v2/<name>/tags/list'));

    for (const blob of [emptyJson, refBlobA]) expect2xx(await api.pushBlob(blob));
    // pushed before their subject: the spec lets a manifest refer to a subject that does not exist yet
    for (const [of, type] of [
      [refs.aConfig, manifestType],
      [refs.aLayer, manifestType],
      [refsIndex, indexType],
    ] as const) {
      const put = await api.putManifest(of.digest, of, type);
      expect2xx(put);
      expect(put.headers.get('oci-subject')).toBe(manifest4.digest);
    }
    for (const blob of [config4, layer]) expect2xx(await api.pushBlob(blob));
    expect2xx(await api.putManifest('tagtest0', manifest4, manifestType));
    expect2xx(await api.pushBlob(refBlobB));
    for (const [of, subject] of [
      [refs.bConfig, manifest4],
      [refs.bLayer, manifest4],
      [refs.cLayer, manifest3],
    ] as const) {
      const put = await api.putManifest(of.digest, of, manifestType);
      expect2xx(put);
      expect(put.headers.get('oci-subject')).toBe(subject.digest);
    }
  });

  it('tags: list 200; n limits the count; last starts after the given tag', async () => {
    expect((await api.send('GET', '/v2/<name>/tags/list')).status).toBe(200);
    const numResults = Math.floor(tagList.length / 2);
    const firstPage = await api.send('GET', '/v2/<name>/tags/list', { query: { n: String(numResults) } });
    expect(firstPage.status).toBe(200);
    const firstTags = await tagsOf(firstPage);
    expect(firstTags).toHaveLength(numResults);
    const next = await api.send('GET', '/v2/<name>/tags/list', {
      query: { n: String(numResults), last: firstTags[numResults - 1] ?? '' },
    });
    expect(next.status).toBe(200);
    const nextTags = await tagsOf(next);
    expect(nextTags.length).toBeLessThanOrEqual(numResults);
    expect(nextTags).not.toContain(firstTags[numResults - 1]);
  });

  it('referrers: an empty index for a digest nobody refers to', async () => {
    const response = await api.send('GET', `/v2/<name>/referrers/${dummyDigest}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(indexType);
    expect(((await response.json()) as ReferrersIndex).manifests).toEqual([]);
  });

  it('referrers: all five of manifests[4], distinct, each with exactly its one annotation', async () => {
    const response = await api.send('GET', `/v2/<name>/referrers/${manifest4.digest}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(indexType);
    const index = (await response.json()) as ReferrersIndex;
    expect(index.manifests).toHaveLength(5);
    expect(new Set(index.manifests.map((entry) => entry.digest)).size).toBe(5);
    for (const entry of index.manifests)
      expect(entry.annotations).toEqual({ [annotationKey]: annotationOf.get(entry.digest) });
  });

  it('referrers: artifactType filter (config media type or artifactType) gives two, with OCI-Filters-Applied', async () => {
    const response = await api.send('GET', `/v2/<name>/referrers/${manifest4.digest}`, {
      query: { artifactType: artifactTypeA },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(indexType);
    expect(response.headers.get('oci-filters-applied')).toBe('artifactType');
    const index = (await response.json()) as ReferrersIndex;
    expect(index.manifests.map((entry) => entry.digest).sort()).toEqual(
      [refs.aConfig.digest, refs.aLayer.digest].sort(),
    );
  });

  it('referrers: the one referrer of a manifest that was never pushed', async () => {
    const response = await api.send('GET', `/v2/<name>/referrers/${manifest3.digest}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(indexType);
    const index = (await response.json()) as ReferrersIndex;
    expect(index.manifests.map((entry) => entry.digest)).toEqual([refs.cLayer.digest]);
  });

  it('teardown: every manifest (index first), then the config and layer blobs', async () => {
    for (const of of [
      refsIndex,
      manifest2,
      manifest4,
      refs.aConfig,
      refs.aLayer,
      refs.bConfig,
      refs.bLayer,
      refs.cLayer,
    ])
      expect2xxOr(await api.send('DELETE', `/v2/<name>/manifests/${of.digest}`), 404, 405);
    for (const blob of [config2, layer])
      expect2xxOr(await api.send('DELETE', `/v2/<name>/blobs/${blob.digest}`), 404, 405);
  });
});

describe.sequential('official conformance: content management', () => {
  let numTags = 0;

  it('setup: config, layer and the tag to delete', async () => {
    for (const blob of [config3, layer]) expect2xx(await api.pushBlob(blob));
    expect2xx(await api.putManifest('tagtest0', manifest3, manifestType));
    const listed = await api.send('GET', '/v2/<name>/tags/list');
    expect(listed.status).toBe(200);
    numTags = (await tagsOf(listed)).length;
  });

  it('DELETE the tag 202; DELETE the manifest by digest 202; then GET it 404', async () => {
    expect((await api.send('DELETE', '/v2/<name>/manifests/tagtest0')).status).toBe(202);
    expect([202, 404]).toContain(
      (await api.send('DELETE', `/v2/<name>/manifests/${manifest3.digest}`)).status,
    );
    expect((await api.send('GET', `/v2/<name>/manifests/${manifest3.digest}`)).status).toBe(404);
  });

  it('the tag list reflects the deletion: 200 with one tag fewer, or 404 when none is left', async () => {
    const listed = await api.send('GET', '/v2/<name>/tags/list');
    if (listed.status === 404) expect(numTags - 1).toBe(0);
    else {
      expect(listed.status).toBe(200);
      expect((await tagsOf(listed)) ?? []).toHaveLength(numTags - 1);
    }
  });

  it('DELETE the config and layer blobs 202; then GET the config 404', async () => {
    for (const blob of [config3, layer])
      expect([202, 404]).toContain((await api.send('DELETE', `/v2/<name>/blobs/${blob.digest}`)).status);
    expect((await api.send('GET', `/v2/<name>/blobs/${config3.digest}`)).status).toBe(404);
  });
});

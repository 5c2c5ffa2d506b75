// Issue 14, the search extension through the real server: skopeo pushes of umoci-made images, a multi-arch index,
// a cosign .sig signature and a referrer fill the metadata database, and zot's GraphQL queries answer from it, with
// paging, filters, downloads, userprefs and the discover announcement.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../src/index.js';
import { client, makeImage, makeReferrer } from './conformance-fixtures.js';
import { skopeoCopy, startOnRoot, umociImage } from './metadata-fixtures.js';
import { gql, pushIndex } from './search-fixtures.js';

let running: RunningRegistry;
let work: string;
let indexDigest = '';
let signedDigest = '';
let sbomDigest = '';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'zot-search-'));
  running = await startOnRoot(join(work, 'data'), {
    extensions: { search: { enable: true }, ui: { enable: true } },
  });
  const layout = await umociImage(join(work, 'images'), {
    tag: 'v1',
    arch: 'arm64',
    vendor: 'ACME',
    created: '2024-05-01T00:00:00Z',
  });
  await umociImage(join(work, 'images'), {
    tag: 'v2',
    arch: 'amd64',
    vendor: 'Other',
    created: '2024-06-01T00:00:00Z',
  });
  await skopeoCopy(layout, 'v1', running.url, 'team/app:v1');
  await skopeoCopy(layout, 'v2', running.url, 'team/app:v2');
  await skopeoCopy(layout, 'v1', running.url, 'tools/alpine:3.19');
  indexDigest = await pushIndex(running.url, 'multi/arch', 'latest');
  const http = client(running.url);
  const base = makeImage('signed base');
  signedDigest = base.digest;
  await http.pushImage('signed/app', base, 'v1');
  await http.pushImage('signed/app', makeImage('cosign signature'), `sha256-${base.digest.slice(7)}.sig`);
  const sbom = makeReferrer('sbom', base, 'application/spdx+json');
  sbomDigest = sbom.digest;
  await http.pushImage('signed/app', sbom, sbom.digest);
}, 120_000);

afterAll(async () => {
  await running?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('search through the real server', () => {
  it('RepoListWithNewestImage lists every repository with its newest image, and pages', async () => {
    const all = await gql(
      running,
      '{ RepoListWithNewestImage(requestedPage: {sortBy: ALPHABETIC_ASC}) { Page { TotalCount ItemCount } Results { Name Vendors NewestImage { Tag LastUpdated } } } }',
    );
    expect(all.status).toBe(200);
    expect(all.errors).toBeUndefined();
    expect(all.data.RepoListWithNewestImage.Page).toEqual({ TotalCount: 4, ItemCount: 4 });
    expect(all.data.RepoListWithNewestImage.Results.map((r: { Name: string }) => r.Name)).toEqual([
      'multi/arch',
      'signed/app',
      'team/app',
      'tools/alpine',
    ]);
    const team = all.data.RepoListWithNewestImage.Results[2];
    expect(team).toEqual({
      Name: 'team/app',
      Vendors: ['ACME', 'Other'],
      NewestImage: { Tag: 'v2', LastUpdated: '2024-06-01T00:00:00Z' },
    });

    const second = await gql(
      running,
      '{ RepoListWithNewestImage(requestedPage: {limit: 2, offset: 2, sortBy: ALPHABETIC_ASC}) { Page { TotalCount ItemCount } Results { Name } } }',
    );
    expect(second.data.RepoListWithNewestImage).toEqual({
      Page: { TotalCount: 4, ItemCount: 2 },
      Results: [{ Name: 'team/app' }, { Name: 'tools/alpine' }],
    });
  });

  it('GlobalSearch finds repositories by a name fragment and tags by "repo:tag"', async () => {
    const byName = await gql(
      running,
      '{ GlobalSearch(query: "app") { Page { TotalCount } Repos { Name } } }',
    );
    expect(byName.data.GlobalSearch.Repos.map((r: { Name: string }) => r.Name).sort()).toEqual([
      'signed/app',
      'team/app',
    ]);
    const byTag = await gql(
      running,
      '{ GlobalSearch(query: "team/app:v") { Images { RepoName Tag Manifests { Platform { Os Arch } } } } }',
    );
    expect(byTag.data.GlobalSearch.Images).toEqual([
      { RepoName: 'team/app', Tag: 'v1', Manifests: [{ Platform: { Os: 'linux', Arch: 'arm64' } }] },
      { RepoName: 'team/app', Tag: 'v2', Manifests: [{ Platform: { Os: 'linux', Arch: 'amd64' } }] },
    ]);
    const arm = await gql(
      running,
      '{ GlobalSearch(query: "", filter: {Arch: ["arm64"]}) { Repos { Name } } }',
    );
    // zot compares Arch with the variant included: "arm64" is not "arm64/v8"
    expect(arm.data.GlobalSearch.Repos.map((r: { Name: string }) => r.Name).sort()).toEqual([
      'team/app',
      'tools/alpine',
    ]);
    const v8 = await gql(
      running,
      '{ GlobalSearch(query: "", filter: {Arch: ["arm64/v8"]}) { Repos { Name } } }',
    );
    expect(v8.data.GlobalSearch.Repos).toEqual([{ Name: 'multi/arch' }]);
  });

  it('a multi-arch index is one image with a manifest per platform', async () => {
    const { data } = await gql(
      running,
      '{ ImageList(repo: "multi/arch") { Results { Tag Digest MediaType LastUpdated Manifests { Platform { Os Arch } } } } }',
    );
    expect(data.ImageList.Results).toEqual([
      {
        Tag: 'latest',
        Digest: indexDigest,
        MediaType: 'application/vnd.oci.image.index.v1+json',
        LastUpdated: '2024-07-01T00:00:00Z',
        Manifests: [
          { Platform: { Os: 'linux', Arch: 'amd64' } },
          { Platform: { Os: 'linux', Arch: 'arm64/v8' } },
        ],
      },
    ]);
  });

  it('signatures and referrers: IsSigned, the HasToBeSigned filter, Referrers', async () => {
    const signed = await gql(
      running,
      '{ GlobalSearch(query: "", filter: {HasToBeSigned: true}) { Repos { Name NewestImage { IsSigned SignatureInfo { Tool } Referrers { Digest ArtifactType } } } } }',
    );
    expect(signed.data.GlobalSearch.Repos).toEqual([
      {
        Name: 'signed/app',
        NewestImage: {
          IsSigned: true,
          SignatureInfo: [{ Tool: 'cosign' }],
          Referrers: [{ Digest: sbomDigest, ArtifactType: 'application/spdx+json' }],
        },
      },
    ]);
    const referrers = await gql(
      running,
      `{ Referrers(repo: "signed/app", digest: "${signedDigest}", type: ["application/spdx+json"]) { Digest Annotations { Key Value } } }`,
    );
    expect(referrers.data.Referrers).toEqual([
      { Digest: sbomDigest, Annotations: [{ Key: 'org.example.seed', Value: 'sbom' }] },
    ]);
  });

  it('downloads count in DownloadCount and sort by DOWNLOADS', async () => {
    for (let i = 0; i < 2; i++) {
      await fetch(`${running.url}/v2/tools/alpine/manifests/3.19`, {
        headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
      }).then((r) => r.arrayBuffer());
    }
    const { data } = await gql(
      running,
      '{ RepoListWithNewestImage(requestedPage: {limit: 1, sortBy: DOWNLOADS}) { Results { Name DownloadCount NewestImage { DownloadCount LastPullTimestamp } } } }',
    );
    const [top] = data.RepoListWithNewestImage.Results;
    expect(top.Name).toBe('tools/alpine');
    expect(top.DownloadCount).toBe(2);
    expect(top.NewestImage.DownloadCount).toBe(2);
    expect(top.NewestImage.LastPullTimestamp).not.toBe('0001-01-01T00:00:00Z');
  });

  it('GET with the query in the URL works (zli sends GET), and CVE queries say no scanner is configured', async () => {
    const query = encodeURIComponent('{ ImageList(repo: "tools/alpine") { Page { TotalCount } } }');
    const response = await fetch(`${running.url}/v2/_zot/ext/search?query=${query}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { ImageList: { Page: { TotalCount: 1 } } } });
    const cve = await gql(running, '{ CVEListForImage(image: "tools/alpine:3.19") { Tag } }');
    expect(cve.status).toBe(200);
    expect(cve.errors?.[0]?.message).toMatch(/no vulnerability scanner is configured/);
  });

  it('discover announces search, userprefs and mgmt under _zot', async () => {
    const body = (await (await fetch(`${running.url}/v2/_oci/ext/discover`)).json()) as {
      extensions: { name: string; endpoints: string[] }[];
    };
    const zot = body.extensions.find((e) => e.name === '_zot');
    expect(zot?.endpoints).toEqual(['/v2/_zot/ext/search', '/v2/_zot/ext/userprefs', '/v2/_zot/ext/mgmt']);
  });

  it('a hostile query is refused with a GraphQL error in milliseconds; other methods get 405', async () => {
    const aliases = Array.from(
      { length: 100 },
      (_, i) => `a${i}: ImageList(repo: "") { Results { Manifests { History { Layer { Digest } } } } }`,
    ).join(' ');
    const started = performance.now();
    const hostile = await gql(running, `{ ${aliases} }`);
    expect(performance.now() - started).toBeLessThan(500);
    expect(hostile.status).toBe(422);
    expect(hostile.errors?.[0]?.message).toMatch(/top-level fields/);
    const del = await fetch(`${running.url}/v2/_zot/ext/search`, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, POST');
  });

  it('userprefs without authentication: anonymous callers get 403, as zot answers them', async () => {
    const put = await fetch(`${running.url}/v2/_zot/ext/userprefs?action=toggleStar&repo=team/app`, {
      method: 'PUT',
    });
    expect(put.status).toBe(403);
  });
});

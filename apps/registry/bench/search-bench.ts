// Search speed (issue 14): 10,000 images in 1,000 repositories in the embedded LMDB metadata database, then zot's
// UI queries through the search API's HTTP handler (Request in, JSON Response out, access filter on):
// GlobalSearch by a name fragment, and RepoListWithNewestImage, each a page of 50, and the latter again right after
// a write (the cache of decoded records is dropped and the records read again). Not a test: prints medians.
// Run: node --import tsx apps/registry/bench/search-bench.ts   (BENCH_REPOS, BENCH_TAGS, BENCH_RUNS to vary)
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLmdbMetaStore } from '@zot-ts/metadb';
import { type ImageMeta, imageMetaOfIndex, imageMetaOfManifest, manifestMetaOf } from '@zot-ts/metastore';
import { createSearchApi } from '@zot-ts/search';

const REPOS = Number(process.env.BENCH_REPOS ?? 1000);
const TAGS = Number(process.env.BENCH_TAGS ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const digest = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const teams = ['payments', 'search', 'platform', 'data', 'web', 'mobile', 'infra', 'security', 'ml', 'tools'];

function manifestOf(name: string, arch: string, created: Date) {
  const layers = [`base-${arch}`, `runtime-${name.length % 7}`, name].map((layer, i) => ({
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    digest: digest(layer),
    size: 10_000 * (i + 1),
  }));
  return manifestMetaOf({
    digest: digest(name),
    size: 700,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    manifest: {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: digest(`${name}-config`),
        size: 1500,
      },
      layers,
      annotations: {
        'org.opencontainers.image.vendor': 'ACME',
        'org.opencontainers.image.description': `image ${name}`,
      },
    },
    config: {
      os: 'linux',
      architecture: arch,
      created: created.toISOString(),
      config: { Labels: { 'org.opencontainers.image.licenses': 'Apache-2.0' } },
      history: layers.map((_, i) => ({ created: created.toISOString(), created_by: `RUN step ${i}` })),
    },
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)] ?? 0;

const directory = mkdtempSync(join(tmpdir(), 'zot-search-bench-'));
const metaStore = await createLmdbMetaStore({ path: join(directory, 'meta.lmdb'), noSync: true });
try {
  const fillStarted = performance.now();
  const writes: Promise<void>[] = [];
  for (let r = 0; r < REPOS; r++) {
    const repository = `${teams[r % teams.length]}/service-${r}`;
    for (let t = 0; t < TAGS; t++) {
      const created = new Date(Date.UTC(2024, 0, 1) + (r * TAGS + t) * 60_000);
      const name = `${repository}:v${t}`;
      let image: ImageMeta;
      if (t === TAGS - 1 && r % 10 === 0) {
        // every tenth repository's newest tag is a two-platform index
        const children = ['amd64', 'arm64'].map((arch) => manifestOf(`${name}-${arch}`, arch, created));
        for (const child of children) writes.push(metaStore.repos.setImageMeta(imageMetaOfManifest(child)));
        image = imageMetaOfIndex({
          digest: digest(`${name}-index`),
          size: 500,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          index: { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] },
          children,
        });
      } else {
        image = imageMetaOfManifest(manifestOf(name, 'amd64', created));
      }
      writes.push(
        metaStore.repos.setRepoReference(repository, `v${t}`, image, { at: created, pushedBy: 'ci' }),
      );
    }
  }
  await Promise.all(writes);
  console.log(
    `filled ${REPOS} repositories x ${TAGS} tags in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s`,
  );

  const api = createSearchApi<{ username: string }>({
    repos: metaStore.repos,
    userPrefs: metaStore.userPrefs,
    // the registry asks its policies once per repository per request; a cheap closure stands in for them here
    canRead: (_identity, repository) => !repository.startsWith('security/'),
    usernameOf: (identity) => identity?.username,
  });
  // the fields zot's UI asks for on its home and search pages
  const repoFields = `Page { TotalCount ItemCount } Results: Repos { Name LastUpdated Size Platforms { Os Arch } Vendors
    IsStarred IsBookmarked StarCount DownloadCount NewestImage { Tag Digest Description IsSigned Licenses Vendor Labels
    SignatureInfo { Tool IsTrusted Author } Vulnerabilities { MaxSeverity Count } } }`;
  const queries: Record<string, string> = {
    'GlobalSearch "service-12" (11 matches), page of 50': `{ GlobalSearch(query: "service-12", requestedPage: {limit: 50, offset: 0, sortBy: RELEVANCE}) { ${repoFields} } }`,
    'GlobalSearch "service" (every repository), page of 50': `{ GlobalSearch(query: "service", requestedPage: {limit: 50, offset: 0, sortBy: RELEVANCE}) { ${repoFields} } }`,
    'RepoListWithNewestImage, page of 50': `{ RepoListWithNewestImage(requestedPage: {limit: 50, offset: 0, sortBy: UPDATE_TIME}) { ${repoFields.replace('Results: Repos', 'Results')} } }`,
  };
  const cells: [string, string, boolean][] = Object.entries(queries).map(([label, query]) => [
    label,
    query,
    false,
  ]);
  // the same RepoListWithNewestImage right after a write: the cached records are dropped and read again
  cells.push([
    'RepoListWithNewestImage, page of 50, after a write',
    queries['RepoListWithNewestImage, page of 50'] ?? '',
    true,
  ]);
  for (const [label, query, afterWrite] of cells) {
    const body = JSON.stringify({ query });
    const once = async () => {
      if (afterWrite) await metaStore.userPrefs.toggleStar('bench', 'web/service-4');
      const started = performance.now();
      const response = await api.handle(
        new Request('http://bench/v2/_zot/ext/search', {
          method: 'POST',
          body,
          headers: { 'Content-Type': 'application/json' },
        }),
        { username: 'bench' },
      );
      const text = await response.text();
      if (response.status !== 200 || text.includes('"errors"'))
        throw new Error(`${label}: ${response.status} ${text.slice(0, 300)}`);
      return performance.now() - started;
    };
    for (let i = 0; i < 20; i++) await once(); // warm up (JIT, LMDB pages)
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await once());
    console.log(
      `${label.padEnd(56)} median ${median(times).toFixed(2)} ms   p95 ${p95(times).toFixed(2)} ms`,
    );
  }
} finally {
  await metaStore.close();
  rmSync(directory, { recursive: true, force: true });
}

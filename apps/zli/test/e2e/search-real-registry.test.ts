// zli against the real registry twice, with the same images pushed: once with extensions.search enabled and
// once without. `image list|name|digest` must print the same rows both ways, taking zot's GraphQL path
// (ImageList, ImageListForDigest at /v2/_zot/ext/search) when search is announced and the distribution
// API's walk (/v2/_catalog, tags, manifests) when it is not; a counting proxy in front of each registry
// shows which. `search query`, `image derived` and `image base` are run against the real search API too.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@zot-ts/config';
import { type RunningRegistry, startRegistry } from '@zot-ts/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CountingProxy, startCountingProxy } from '../counting-proxy.js';
import { pushBlob, pushManifest, pushSignature } from '../push-image.js';
import { runZli } from '../run-zli.js';
import { cosignKeyPair, signImage, uploadCosignKey } from '../sign-image.js';

const env = { ZLI_CONFIG: '/nonexistent/zot' };
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
let dir: string;
let on: RunningRegistry;
let off: RunningRegistry;
let onProxy: CountingProxy;
let offProxy: CountingProxy;
let sharedLayer = '';

type Pushed = { digest: string; size: number; mediaType: string };

/**
 * An image whose layers are made from `seeds`: equal seeds give equal layers, so images derive from others.
 * Without a tag it is pushed by its digest (a platform manifest of an index).
 */
async function pushLayered(
  url: string,
  repo: string,
  tag: string | undefined,
  seeds: string[],
  arch = 'amd64',
) {
  const config = await pushBlob(
    url,
    repo,
    Buffer.from(
      JSON.stringify({
        os: 'linux',
        architecture: arch,
        created: `2024-06-0${seeds.length}T08:00:00Z`,
        rootfs: { type: 'layers', diff_ids: [] },
      }),
    ),
  );
  const layers = [];
  for (const seed of seeds) layers.push(await pushBlob(url, repo, Buffer.alloc(1200, seed)));
  const document = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: layers.map((layer) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer })),
  };
  const digest = `sha256:${createHash('sha256').update(JSON.stringify(document)).digest('hex')}`;
  return pushManifest(url, repo, tag ?? digest, document);
}

async function pushIndex(url: string, repo: string, tag: string): Promise<Pushed> {
  const children = [];
  for (const arch of ['amd64', 'arm64']) {
    const child = await pushLayered(url, repo, undefined, [`multi-${arch}`], arch);
    children.push({ ...child, platform: { os: 'linux', architecture: arch } });
  }
  return pushManifest(url, repo, tag, {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: children,
  });
}

const trustedKey = cosignKeyPair();

/**
 * The same images on both registries: digests are equal, so rows can be compared byte for byte. base is signed
 * with a key the registry trusts (cosign tag), app-debug with one it does not (referrer), app:1.0 carries a
 * signature-typed referrer that verifies with nothing.
 */
async function fill(url: string): Promise<void> {
  const base = await pushLayered(url, 'base', '1.0', ['os']);
  await signImage(url, 'base', base, trustedKey, { mode: 'tag' });
  const app = await pushLayered(url, 'app', '1.0', ['os', 'app']);
  await pushSignature(url, 'app', app);
  await pushLayered(url, 'app', '1.1', ['os', 'app-1.1']);
  const debug = await pushLayered(url, 'app-debug', '1.0', ['os', 'app', 'debug']);
  await signImage(url, 'app-debug', debug, cosignKeyPair(), { mode: 'referrer' });
  await pushIndex(url, 'multi', 'latest');
  await uploadCosignKey(url, trustedKey);
}

async function start(root: string, search: boolean): Promise<RunningRegistry> {
  return startRegistry({
    config: parseConfig({
      storage: { rootDirectory: root },
      log: { level: 'error' },
      extensions: { trust: { enable: true, cosign: true }, ...(search ? { search: { enable: true } } : {}) },
    }),
    port: 0,
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zli-search-real-'));
  [on, off] = await Promise.all([start(join(dir, 'on'), true), start(join(dir, 'off'), false)]);
  await Promise.all([fill(on.url), fill(off.url)]);
  const base = (await (await fetch(`${on.url}/v2/base/manifests/1.0`)).json()) as {
    layers: Array<{ digest: string }>;
  };
  sharedLayer = base.layers[0]?.digest ?? '';
  [onProxy, offProxy] = await Promise.all([startCountingProxy(on.url), startCountingProxy(off.url)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([onProxy?.close(), offProxy?.close(), on?.close(), off?.close()]);
  await rm(dir, { recursive: true, force: true });
});

const lines = (text: string) => text.trimEnd().split('\n');
const firstColumn = (text: string) => lines(text).map((line) => line.split(/\s+/)[0]);
const searched = (proxy: CountingProxy) => proxy.requests.filter((r) => r.includes('/v2/_zot/ext/search'));
const walked = (proxy: CountingProxy) =>
  proxy.requests.filter((r) => r.includes('/v2/_catalog') || /\/tags\/list$|\/manifests\//.test(r));

/**
 * The one cell that differs by design: an index's total size. zot's search API sums the blobs of its platform
 * images (zot's image summary); zot's zli without search adds the index manifest's own length too (service.go
 * getImage). zli shows each path's figure as zot's zli does, so comparisons leave that one cell out (and, in
 * json, each signature's manifest digest, which differs between the two registries).
 */
function withoutIndexSize(stdout: string): string {
  if (stdout.startsWith('[')) {
    const rows = JSON.parse(stdout) as Array<{
      mediaType: string;
      size?: number;
      signatures?: Array<{ manifestDigest?: string }>;
    }>;
    for (const row of rows) {
      if (row.mediaType.includes('index')) delete row.size;
      // a cosign payload names the registry's host, so the same signature has another digest on each registry
      for (const signature of row.signatures ?? []) delete signature.manifestDigest;
    }
    return JSON.stringify(rows);
  }
  return lines(stdout)
    .map((line) => (line.startsWith('multi ') ? line.replace(/\s\d+(\.\d+)?[kMG]?B\s/, ' <size> ') : line))
    .join('\n');
}

/** Runs the same zli command against both registries (one at a time: each proxy's log is its own). */
async function bothWays(args: string[]) {
  onProxy.clear();
  offProxy.clear();
  const withSearch = await runZli([...args, '--url', onProxy.url], env);
  const without = await runZli([...args, '--url', offProxy.url], env);
  return { withSearch, without };
}

describe('zli image listings with and without the search API (real registry)', () => {
  it('image list: the same rows, from ImageList with search and from the walk without', async () => {
    for (const extra of [[], ['--verbose'], ['-f', 'json']]) {
      const { withSearch, without } = await bothWays(['image', 'list', ...extra]);
      expect(withSearch.stderr).toBe('');
      expect(withSearch.code).toBe(0);
      expect(without.code).toBe(0);
      expect(withoutIndexSize(withSearch.stdout)).toBe(withoutIndexSize(without.stdout));
      expect(searched(onProxy).length).toBeGreaterThanOrEqual(2); // the schema check, then ImageList
      expect(walked(onProxy)).toEqual([]);
      expect(searched(offProxy)).toEqual([]);
      expect(walked(offProxy)).toContain('GET /v2/_catalog');
    }
    const { withSearch, without } = await bothWays(['image', 'list']);
    expect(withSearch.stdout).not.toBe(without.stdout); // only the index's size, as with zot's zli
    expect(firstColumn(withSearch.stdout)).toEqual([
      'REPOSITORY',
      'app',
      'app',
      'app-debug',
      'base',
      'multi',
    ]);
    expect(lines(withSearch.stdout)[0]).toMatch(
      /^REPOSITORY\s+TAG\s+OS\/ARCH\s+DIGEST\s+SIGNED\s+TRUSTED\s+SIZE/,
    );
    const signedTrusted = lines(withSearch.stdout)
      .slice(1)
      .map((line) => line.split(/\s+/))
      .map((cells) => [cells[0], cells[1], cells[4], cells[5]]);
    expect(signedTrusted.slice(0, 4)).toEqual([
      ['app', '1.0', 'true', 'false'],
      ['app', '1.1', 'false', 'false'],
      ['app-debug', '1.0', 'true', 'false'],
      ['base', '1.0', 'true', 'true'],
    ]);
    expect(lines(withSearch.stdout)[5]).toMatch(/^multi\s+latest\s+linux\/amd64, linux\/arm64\s/);
    const json = await bothWays(['image', 'list', '--repo', 'multi', '-f', 'json']);
    const [searchedIndex] = JSON.parse(json.withSearch.stdout) as Array<{
      size: number;
      manifests: { size: number }[];
    }>;
    const [walkedIndex] = JSON.parse(json.without.stdout) as Array<{ size: number }>;
    const indexLength = Number(
      (await fetch(`${on.url}/v2/multi/manifests/latest`, { method: 'HEAD' })).headers.get('content-length'),
    );
    const platforms = (searchedIndex?.manifests ?? []).reduce((total, manifest) => total + manifest.size, 0);
    expect(searchedIndex?.size).toBe(platforms);
    expect(walkedIndex?.size).toBe(platforms + indexLength);
  });

  it('image list --repo: one ImageList per repository, the same rows as the walk of those repositories', async () => {
    const { withSearch, without } = await bothWays(['image', 'list', '--repo', 'app', '--repo', 'base']);
    expect(withSearch.code).toBe(0);
    expect(withSearch.stdout).toBe(without.stdout);
    expect(firstColumn(withSearch.stdout).slice(1)).toEqual(['app', 'app', 'base']);
    expect(walked(onProxy)).toEqual([]);
  });

  it('image name: ImageList of the repository kept to the tag; a missing tag fails both ways', async () => {
    const { withSearch, without } = await bothWays(['image', 'name', 'app:1.1', '--verbose']);
    expect(withSearch.code).toBe(0);
    expect(withSearch.stdout).toBe(without.stdout);
    expect(firstColumn(withSearch.stdout).slice(1)).toEqual(['app']);
    expect(searched(onProxy).length).toBeGreaterThanOrEqual(2);
    expect(walked(onProxy)).toEqual([]);
    const missing = await bothWays(['image', 'name', 'app:9.9']);
    expect(missing.withSearch.code).not.toBe(0);
    expect(missing.without.code).not.toBe(0);
  });

  it('image digest: ImageListForDigest with search, the walk without; same rows', async () => {
    const prefix = sharedLayer.slice(7, 19);
    const { withSearch, without } = await bothWays(['image', 'digest', prefix]);
    expect(withSearch.code).toBe(0);
    expect(withSearch.stdout).toBe(without.stdout);
    // base, app:1.0, app:1.1 and app-debug share the "os" layer
    expect(firstColumn(withSearch.stdout).slice(1)).toEqual(['app', 'app', 'app-debug', 'base']);
    expect(searched(onProxy).length).toBeGreaterThanOrEqual(2);
    expect(walked(onProxy)).toEqual([]);
    expect(walked(offProxy)).toContain('GET /v2/_catalog');
  });
});

describe('zli search subject with and without the search API (real registry)', () => {
  // zot's zli asks GraphQL Referrers when it can, but zot's metadata keeps cosign and notation signatures
  // apart from referrers, so that answer leaves signatures out; zli keeps the referrers API both ways.
  it('lists the same referrers, the signature included, from the referrers API', async () => {
    for (const extra of [[], ['-f', 'json']]) {
      const { withSearch, without } = await bothWays(['search', 'subject', 'app:1.0', ...extra]);
      expect(withSearch.stderr).toBe('');
      expect(withSearch.code).toBe(0);
      expect(withSearch.stdout).toBe(without.stdout);
      expect(onProxy.requests.filter((request) => request.includes('/referrers/')).length).toBe(1);
    }
    const { withSearch } = await bothWays(['search', 'subject', 'app:1.0']);
    expect(lines(withSearch.stdout)[0]).toMatch(/^ARTIFACT TYPE\s+SIZE\s+DIGEST\s+SIGNATURE$/);
    expect(lines(withSearch.stdout).slice(1)).toEqual([
      expect.stringMatching(/^application\/vnd\.dev\.cosign\.artifact\.sig\.v1\+json\s/),
    ]);
  });
});

describe('zli search commands against the real search API', () => {
  it('search query finds repositories and images', async () => {
    const repos = await runZli(['search', 'query', 'app', '--url', on.url], env);
    expect(repos.stderr).toBe('');
    expect(repos.code).toBe(0);
    expect(lines(repos.stdout)[0]).toMatch(/^NAME\s+SIZE\s+LAST UPDATED\s+DOWNLOADS\s+STARS$/);
    expect(firstColumn(repos.stdout).slice(1).sort()).toEqual(['app', 'app-debug']);
    const tags = await runZli(['search', 'query', 'app:1.', '--url', on.url, '-f', 'json'], env);
    expect(tags.code).toBe(0);
    const found = JSON.parse(tags.stdout) as { images: Array<{ repository: string; tag: string }> };
    expect(found.images.map((image) => `${image.repository}:${image.tag}`).sort()).toEqual([
      'app:1.0',
      'app:1.1',
    ]);
    const everything = await runZli(['search', 'query', ':', '--url', on.url], env);
    expect(firstColumn(everything.stdout).slice(1).sort()).toEqual([
      'app',
      'app',
      'app-debug',
      'base',
      'multi',
    ]);
  });

  it('image derived and image base follow shared layers', async () => {
    const derived = await runZli(['image', 'derived', 'base:1.0', '--url', on.url], env);
    expect(derived.stderr).toBe('');
    expect(derived.code).toBe(0);
    expect(firstColumn(derived.stdout).slice(1)).toEqual(['app', 'app', 'app-debug']);
    const base = await runZli(['image', 'base', 'app-debug:1.0', '--url', on.url], env);
    expect(base.code).toBe(0);
    expect(firstColumn(base.stdout).slice(1)).toEqual(['app', 'base']);
  });

  it('without search, search query and image derived are refused with a plain sentence', async () => {
    const query = await runZli(['search', 'query', 'app', '--url', off.url], env);
    expect(query.code).not.toBe(0);
    expect(query.stderr).toContain('has no search API');
    const derived = await runZli(['image', 'derived', 'base:1.0', '--url', off.url], env);
    expect(derived.code).not.toBe(0);
    expect(derived.stderr).toContain('has no search API');
  });
});

// zli's search-API commands (image derived|base|cve, cve list, search query), with zot's names, flags, queries
// and columns. The registry's own GraphQL search is being built elsewhere, so the answers come from a stand-in
// (test/fake-search.ts) that computes them from a fake registry's images; the refusals are checked against the
// real registry, which has no search API yet, and against a stand-in whose search has no vulnerability scanner.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@zot-ts/config';
import { type RunningRegistry, startRegistry } from '@zot-ts/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeRegistry } from '../fake-registry.js';
import { runZli } from '../run-zli.js';

const received: string[] = [];
const withSearch = new FakeRegistry({
  search: {
    received,
    cves: {
      'app:1.0': [
        {
          Id: 'CVE-2024-0001',
          Severity: 'HIGH',
          Title: 'overflow in libfoo',
          PackageList: [{ Name: 'libfoo', PackagePath: '', InstalledVersion: '1.2', FixedVersion: '1.3' }],
        },
        { Id: 'CVE-2024-0002', Severity: 'LOW', Title: 'minor leak', PackageList: [] },
      ],
    },
  },
});
const noScanner = new FakeRegistry({ search: {} });
let real: RunningRegistry;
let dir: string;
const env = { ZLI_CONFIG: '/nonexistent/zot' };

beforeAll(async () => {
  // base -> app -> app-debug share their first layers: app derives from base, app-debug from both
  withSearch.addImage('base', '1.0', { layerSeeds: ['os'] });
  withSearch.addImage('app', '1.0', { layerSeeds: ['os', 'app'] });
  withSearch.addImage('app', '1.1', { layerSeeds: ['os', 'app-1.1'] });
  withSearch.addImage('app-debug', '1.0', { layerSeeds: ['os', 'app', 'debug'] });
  withSearch.addImage('other', 'latest', { layerSeeds: ['unrelated'] });
  noScanner.addImage('app', '1.0');
  dir = await mkdtemp(join(tmpdir(), 'zli-search-'));
  real = await startRegistry({
    config: parseConfig({ storage: { rootDirectory: join(dir, 'storage') }, log: { level: 'error' } }),
    port: 0,
  });
  await Promise.all([withSearch.start(), noScanner.start()]);
});

afterAll(async () => {
  await Promise.all([withSearch.stop(), noScanner.stop(), real?.close()]);
  await rm(dir, { recursive: true, force: true });
});

/** oclif wraps an error over several ` › ` lines: one line again, for matching. */
const unwrapped = (stderr: string) => stderr.replace(/\s*\n\s*›\s*/g, ' ').replace(/\s+/g, ' ');
const lines = (text: string) => text.trimEnd().split('\n');
const firstColumn = (text: string) => lines(text).map((line) => line.split(/\s+/)[0]);

describe.concurrent('zli over a registry with search (stand-in)', () => {
  it("image derived lists the images built on the given one, with zot's query and the image columns", async () => {
    const result = await runZli(['image', 'derived', 'base:1.0', '--url', withSearch.url], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(lines(result.stdout)[0]).toMatch(/^REPOSITORY\s+TAG\s+OS\/ARCH\s+DIGEST\s+SIGNED\s+SIZE/);
    expect(firstColumn(result.stdout).slice(1)).toEqual(['app', 'app', 'app-debug']);
    expect(
      received.some((query) =>
        query.includes('DerivedImageList(image:"base:1.0", requestedPage: {sortBy: ALPHABETIC_ASC}){'),
      ),
    ).toBe(true);
  });

  it('image base lists the images the given one is built on; --sort-by goes into the query', async () => {
    const result = await runZli(
      ['image', 'base', 'app-debug:1.0', '--url', withSearch.url, '--sort-by', 'update-time', '-f', 'json'],
      env,
    );
    expect(result.code).toBe(0);
    const images = JSON.parse(result.stdout) as Array<{ repository: string; tag: string }>;
    expect(images.map((image) => `${image.repository}:${image.tag}`).sort()).toEqual(['app:1.0', 'base:1.0']);
    expect(
      received.some((query) =>
        query.includes('BaseImageList(image:"app-debug:1.0", requestedPage: {sortBy: UPDATE_TIME}){'),
      ),
    ).toBe(true);
  });

  it('search query finds repositories by part of their name (NAME SIZE LAST UPDATED DOWNLOADS STARS)', async () => {
    const result = await runZli(['search', 'query', 'app', '--url', withSearch.url], env);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)[0]).toMatch(/^NAME\s+SIZE\s+LAST UPDATED\s+DOWNLOADS\s+STARS$/);
    expect(firstColumn(result.stdout).slice(1)).toEqual(['app', 'app-debug']);
    expect(
      received.some((query) =>
        query.includes('GlobalSearch(query:"app", requestedPage: {sortBy: RELEVANCE}){'),
      ),
    ).toBe(true);
  });

  it('search query repo:tag-prefix finds images, and ":" lists every image', async () => {
    const tagged = await runZli(['search', 'query', 'app:1.', '--url', withSearch.url, '-f', 'json'], env);
    expect(tagged.code).toBe(0);
    const found = JSON.parse(tagged.stdout) as { images: Array<{ tag: string }>; repos: unknown[] };
    expect(found.images.map((image) => image.tag)).toEqual(['1.0', '1.1']);
    const all = await runZli(['search', 'query', ':', '--url', withSearch.url], env);
    expect(all.code).toBe(0);
    expect(firstColumn(all.stdout).slice(1)).toEqual(['app', 'app', 'app-debug', 'base', 'other']);
  });

  it("cve list and image cve print zot's summary line and columns; --cve-id narrows", async () => {
    for (const command of [
      ['cve', 'list'],
      ['image', 'cve'],
    ]) {
      const result = await runZli([...command, 'app:1.0', '--url', withSearch.url], env);
      expect(result.code).toBe(0);
      const [summary, blank, header, ...rows] = lines(result.stdout);
      expect(summary).toBe('CRITICAL 0, HIGH 1, MEDIUM 0, LOW 1, UNKNOWN 0, TOTAL 2');
      expect(blank).toBe('');
      expect(header).toMatch(/^ID\s+SEVERITY\s+TITLE\s+VULNERABLE PACKAGE\s+PATH\s+INSTALL-VER\s+FIXED-VER$/);
      expect(rows[0]).toMatch(/^CVE-2024-0001\s+HIGH\s+overflow in libfoo/);
      expect(rows[1]).toMatch(/libfoo\s+-\s+1\.2\s+1\.3$/);
    }
    const one = await runZli(
      ['cve', 'list', 'app:1.0', '--cve-id', 'CVE-2024-0002', '--url', withSearch.url],
      env,
    );
    expect(lines(one.stdout)[0]).toBe('CRITICAL 0, HIGH 0, MEDIUM 0, LOW 1, UNKNOWN 0, TOTAL 1');
    const clean = await runZli(['cve', 'list', 'base:1.0', '--url', withSearch.url], env);
    expect(clean.stdout).toBe('No CVEs found for image\n');
  });

  it('refuses a bad reference or sort option as a usage error', async () => {
    expect((await runZli(['image', 'derived', 'base', '--url', withSearch.url], env)).code).toBe(2);
    expect(
      (await runZli(['search', 'query', 'x', '--sort-by', 'severity', '--url', withSearch.url], env)).code,
    ).toBe(2);
  });
});

describe.concurrent('zli over registries without what the command needs', () => {
  it('cve commands say no vulnerability scanner is configured (search without CVEListForImage)', async () => {
    for (const command of [
      ['cve', 'list'],
      ['image', 'cve'],
    ]) {
      const result = await runZli([...command, 'app:1.0', '--url', noScanner.url], env);
      expect(result.code).toBe(1);
      expect(unwrapped(result.stderr)).toContain(
        `no vulnerability scanner is configured on ${noScanner.url}`,
      );
    }
  });

  it('against the real registry (no search API yet) every command names what is missing', async () => {
    const cve = await runZli(['cve', 'list', 'app:1.0', '--url', real.url], env);
    expect(cve.code).toBe(1);
    expect(unwrapped(cve.stderr)).toContain(
      `no vulnerability scanner is configured on ${real.url}: it has no search API`,
    );
    const derived = await runZli(['image', 'derived', 'app:1.0', '--url', real.url], env);
    expect(derived.code).toBe(1);
    expect(unwrapped(derived.stderr)).toContain(
      `${real.url} has no search API, so it cannot tell which images derive from app:1.0`,
    );
    expect(unwrapped(derived.stderr)).toContain("needs zot's search extension");
    const base = await runZli(['image', 'base', 'app:1.0', '--url', real.url], env);
    expect(unwrapped(base.stderr)).toContain('cannot tell which images are the base of app:1.0');
    const search = await runZli(['search', 'query', 'app', '--url', real.url], env);
    expect(search.code).toBe(1);
    expect(unwrapped(search.stderr)).toContain(`${real.url} has no search API, so it cannot search`);
  });
});

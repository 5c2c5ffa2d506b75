// Issue 22: extensions.scrub runs inside the server, as zot's scrub extension: a pass right after start, one log
// line per image with zot's message and field names (image, tag, status, "affected blob", error, component), and
// the per-repository "executing scrub ..." / "scrub successfully completed ..." lines; an interval under 2h is
// raised to 2h with zot's warning. Images pushed by skopeo and over HTTP, then damaged on disk by the test.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isScrubFeature, MIN_SCRUB_INTERVAL_MS, type ScrubFeature } from '../src/features/scrub.js';
import { gcImage, layerOf, logLines, pushImage } from './gc-fixtures.js';
import { sha256, startTestRegistry, type TestRegistry } from './helpers.js';

const run = promisify(execFile);
const hasTools = existsSync('/usr/bin/skopeo') && existsSync('/usr/bin/umoci');

function hexOf(digest: string): string {
  return digest.slice('sha256:'.length);
}

function scrubFeatureOf(registry: TestRegistry): ScrubFeature {
  const feature = registry.registry.features.find(isScrubFeature);
  if (feature === undefined) throw new Error('the registry has no scrub feature');
  return feature;
}

async function firstPass(feature: ScrubFeature): Promise<void> {
  for (let waited = 0; feature.scrub.schedule.passes < 1; waited += 20) {
    if (waited > 30_000) throw new Error('no scrub pass within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('extensions.scrub', () => {
  let workDirectory: string;
  let root: string;
  const images = {
    good: gcImage('good', [layerOf('good-1'), layerOf('good-2')]),
    badLayer: gcImage('bad-layer', [layerOf('bad-layer-1'), layerOf('bad-layer-2')]),
    noConfig: gcImage('no-config', [layerOf('no-config-1')]),
    badManifest: gcImage('bad-manifest', [layerOf('bad-manifest-1')]),
    untagged: gcImage('untagged', [layerOf('untagged-1')]),
  };

  beforeAll(async () => {
    workDirectory = mkdtempSync(join(tmpdir(), 'zot-scrub-'));
    root = join(workDirectory, 'data');
    // dedupe off: the test damages blob files and must not reach another repository's copy through a hard link
    const registry = await startTestRegistry({ storage: { rootDirectory: root, dedupe: false } });
    try {
      await pushImage(registry.url, 'shop/good', images.good, 'v1');
      await pushImage(registry.url, 'shop/bad-layer', images.badLayer, 'v1');
      await pushImage(registry.url, 'shop/no-config', images.noConfig, 'v1');
      await pushImage(registry.url, 'shop/bad-manifest', images.badManifest, 'v1');
      await pushImage(registry.url, 'shop/untagged', images.untagged, images.untagged.digest);
      if (hasTools) {
        const layout = join(workDirectory, 'layout');
        await run('umoci', ['init', '--layout', layout]);
        await run('umoci', ['new', '--image', `${layout}:latest`]);
        const target = `docker://${new URL(registry.url).host}/clients/skopeo:v1`;
        await run('skopeo', ['copy', '--dest-tls-verify=false', `oci:${layout}:latest`, target]);
      }
    } finally {
      await registry.close();
    }
    const blob = (repository: string, digest: string) =>
      join(root, repository, 'blobs', 'sha256', hexOf(digest));
    writeFileSync(blob('shop/bad-layer', sha256(images.badLayer.layers[1] ?? '')), 'bit rot');
    unlinkSync(blob('shop/no-config', sha256(images.noConfig.config)));
    writeFileSync(blob('shop/bad-manifest', images.badManifest.digest), 'invalid content');
  }, 120_000);
  afterAll(() => rmSync(workDirectory, { recursive: true, force: true }));

  it('checks every image right after start and logs each as zot does, while serving requests', async () => {
    const logPath = join(workDirectory, 'scrub.log');
    const registry = await startTestRegistry({
      storage: { rootDirectory: root, dedupe: false },
      log: { level: 'info', output: logPath },
      extensions: { scrub: { enable: true, interval: '1h' } },
    });
    const feature = scrubFeatureOf(registry);
    expect(feature.scrub.intervalMs).toBe(MIN_SCRUB_INTERVAL_MS);
    expect((await fetch(`${registry.url}/v2/_catalog`)).status).toBe(200);
    await firstPass(feature);
    await registry.close();

    const lines = logLines(logPath);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message:
          'scrub interval set to too-short interval < 2h, changing scrub duration to 2 hours and continuing.',
      }),
    );
    const imageLines = lines.filter((line) => line.component === 'scrub' && typeof line.image === 'string');
    const lineOf = (image: string) => imageLines.filter((line) => line.image === image);

    expect(lineOf('shop/good')).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'blobs/manifest ok',
        image: 'shop/good',
        tag: 'v1',
        status: 'ok',
        component: 'scrub',
      }),
    ]);
    expect(lineOf('shop/bad-layer')).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: 'blobs/manifest affected',
        tag: 'v1',
        status: 'affected',
        'affected blob': hexOf(sha256(images.badLayer.layers[1] ?? '')),
        error: 'bad blob digest',
      }),
    ]);
    expect(lineOf('shop/no-config')).toEqual([
      expect.objectContaining({
        status: 'affected',
        'affected blob': hexOf(sha256(images.noConfig.config)),
        error: 'blob not found',
      }),
    ]);
    expect(lineOf('shop/bad-manifest')).toEqual([
      expect.objectContaining({
        status: 'affected',
        'affected blob': hexOf(images.badManifest.digest),
        error: 'invalid manifest content',
      }),
    ]);
    expect(lineOf('shop/untagged')).toEqual([
      expect.objectContaining({ status: 'ok', tag: '', digest: images.untagged.digest }),
    ]);
    if (hasTools)
      expect(lineOf('clients/skopeo')).toEqual([expect.objectContaining({ status: 'ok', tag: 'v1' })]);
    for (const repository of ['shop/good', 'shop/bad-layer']) {
      const where = join(root, repository);
      const executing = lines.findIndex(
        (line) => line.message === `executing scrub to check manifest/blob integrity for ${where}`,
      );
      const completed = lines.findIndex(
        (line) => line.message === `scrub successfully completed for ${where}`,
      );
      expect(executing, repository).toBeGreaterThanOrEqual(0);
      expect(completed, repository).toBeGreaterThan(executing);
    }
  }, 60_000);

  it('is off unless enabled, and a later pass sees damage done since the last one', async () => {
    const off = await startTestRegistry({ storage: { rootDirectory: root, dedupe: false } });
    expect(off.registry.features.some(isScrubFeature)).toBe(false);
    await off.close();

    const logPath = join(workDirectory, 'later.log');
    const registry = await startTestRegistry({
      storage: { rootDirectory: root, dedupe: false },
      log: { level: 'info', output: logPath },
      extensions: { scrub: {} },
    });
    const feature = scrubFeatureOf(registry);
    expect(feature.scrub.intervalMs).toBe(24 * 60 * 60 * 1000);
    await firstPass(feature);
    writeFileSync(
      join(root, 'shop/good/blobs/sha256', hexOf(sha256(images.good.layers[0] ?? ''))),
      'damaged',
    );
    await feature.scrub.schedule.runNow();
    await registry.close();
    const good = logLines(logPath).filter((line) => line.image === 'shop/good');
    expect(good.map((line) => line.status)).toEqual(['ok', 'affected']);
    expect(good[1]).toMatchObject({ 'affected blob': hexOf(sha256(images.good.layers[0] ?? '')) });
  }, 60_000);

  it('scrubs every storage root, each repository under its own root directory (subPaths, as zot)', async () => {
    const mainRoot = join(workDirectory, 'main');
    const subRoot = join(workDirectory, 'sub');
    const storage = { rootDirectory: mainRoot, subPaths: { '/a': { rootDirectory: subRoot } } };
    const logPath = join(workDirectory, 'subpaths.log');
    const registry = await startTestRegistry({
      storage,
      log: { level: 'info', output: logPath },
      extensions: { scrub: { enable: true } },
    });
    await pushImage(registry.url, 'plain/app', gcImage('plain-app'), 'v1');
    await pushImage(registry.url, 'a/app', gcImage('a-app'), 'v1');
    const feature = scrubFeatureOf(registry);
    await firstPass(feature);
    await feature.scrub.schedule.runNow();
    await registry.close();
    const messages = logLines(logPath).map((line) => line.message);
    expect(messages).toContain(`scrub successfully completed for ${join(mainRoot, 'plain/app')}`);
    expect(messages).toContain(`scrub successfully completed for ${join(subRoot, 'a/app')}`);
    const images = logLines(logPath).filter((line) => line.message === 'blobs/manifest ok');
    expect(new Set(images.map((line) => line.image))).toEqual(new Set(['plain/app', 'a/app']));
  }, 60_000);
});

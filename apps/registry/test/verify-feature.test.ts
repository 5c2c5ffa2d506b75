// `zot verify-feature retention <config>`: prints what GC and retention would delete now and deletes nothing.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createFileMetaStore, DEFAULT_METADATA_DIRECTORY_NAME } from '@zot-ts/metastore';
import { createStore, type RepositoryStore } from '@zot-ts/oci-store';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runVerifyFeature } from '../src/commands/verify-feature.js';
import { sha256 } from './helpers.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
  vi.restoreAllMocks();
});

/** Every file under `root` with its size, mtime and content hash. */
function snapshot(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const info = statSync(path);
        files[path.slice(root.length)] =
          `${info.size} ${info.mtimeMs} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
      }
    }
  };
  walk(root);
  return files;
}

async function pushImage(repository: RepositoryStore, seed: string, reference: string): Promise<string> {
  const config = Buffer.from(JSON.stringify({ seed }));
  const layer = Buffer.from(`${seed}-layer`);
  for (const blob of [config, layer]) await repository.uploads.putBlob(Readable.from([blob]), sha256(blob));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256(config),
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: sha256(layer),
          size: layer.length,
        },
      ],
    }),
  );
  return (await repository.manifests.put(reference, 'application/vnd.oci.image.manifest.v1+json', manifest))
    .digest;
}

async function run(args: string[]): Promise<{ code: number; output: string }> {
  let output = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    output += String(chunk);
    return true;
  });
  const code = await runVerifyFeature(args);
  vi.restoreAllMocks();
  return { code, output };
}

describe('zot verify-feature retention', () => {
  it('prints the tags, manifests and blobs retention and GC would delete, reads tag times, and changes no file', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'zot-verify-feature-'));
    directories.push(directory);
    const root = join(directory, 'data');
    const store = createStore({ rootDirectory: root });
    const app = store.repository('app');
    await pushImage(app, 'fresh', 'fresh');
    await pushImage(app, 'stale', 'stale');
    const untagged = await pushImage(app, 'untagged', 'tmp');
    await app.manifests.delete('tmp'); // the manifest stays, untagged
    const orphan = Buffer.from('orphan blob');
    await app.uploads.putBlob(Readable.from([orphan]), sha256(orphan));
    const meta = await createFileMetaStore({ directory: join(root, DEFAULT_METADATA_DIRECTORY_NAME) });
    await meta.tagTimes.recordPush('app', 'fresh', (await app.manifests.stat('fresh')).digest, new Date());
    await meta.tagTimes.recordPush(
      'app',
      'stale',
      (await app.manifests.stat('stale')).digest,
      new Date(Date.now() - 48 * 3600_000),
    );
    await meta.close();
    const configPath = join(directory, 'config.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        storage: {
          rootDirectory: root,
          gc: true,
          gcDelay: '0s',
          retention: {
            delay: '0s',
            policies: [{ repositories: ['**'], keepTags: [{ pushedWithin: '24h' }] }],
          },
        },
        http: { address: '127.0.0.1', port: '5000' },
        log: { level: 'error' },
      }),
    );
    const before = snapshot(root);

    const { code, output } = await run(['retention', configPath]);

    expect(code).toBe(0);
    expect(output).toContain('app: would delete tag stale');
    expect(output).not.toContain('tag fresh');
    expect(output).toContain(`app: would delete manifest ${untagged} (untagged (deleteUntagged))`);
    expect(output).toContain(`app: would delete blob ${sha256(orphan)}`);
    expect(output).toMatch(
      /retention \(dry run\): 1 tags, 2 manifests, \d+ blobs, 0 uploads would be deleted .*nothing was deleted/,
    );
    expect(snapshot(root)).toEqual(before);
  });

  it('answers a wrong invocation with usage and exit code 2', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await runVerifyFeature(['retention'])).toBe(2);
    expect(await runVerifyFeature(['gc', 'config.json'])).toBe(2);
  });
});

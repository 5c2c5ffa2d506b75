// CRASH TEST (about 10 s): a child process runs the registry and pushes to it (tags set, moved and deleted,
// manifests deleted, downloads) and is killed with SIGKILL mid-stream, several times. After each kill a new
// registry starts on the same root: the LMDB file opens, and the metadata agrees with storage: the same
// repositories, each tag at the digest index.json has, an ImageMeta for every tagged digest.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../src/index.js';
import { metadataOf, repoMetaOf, startOnRoot } from './metadata-fixtures.js';

const childScript = fileURLToPath(new URL('./metadata-crash-child.ts', import.meta.url));
const rounds = 3;
const directory = mkdtempSync(join(tmpdir(), 'zot-metadb-crash-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function runAndKill(root: string, round: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, root, String(round)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    let pushes = 0;
    child.stdout.on('data', (data: Buffer) => {
      buffered += data.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      pushes += lines.filter((line) => line.startsWith('push ')).length;
      // kill at a different point each round, once the child is well into its loop
      if (pushes >= 30 + round * 13 && !child.killed) child.kill('SIGKILL');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && pushes > 0) resolve(pushes);
      else reject(new Error(`child ended without being killed mid-stream (code ${code}, ${pushes} pushes)`));
    });
  });
}

async function expectConsistent(running: RunningRegistry): Promise<void> {
  const { store, metaStore } = running.registry;
  const { repositories } = await store.catalog();
  expect(await metaStore.repos.repositoryNames()).toEqual(repositories);
  for (const name of repositories) {
    const inStorage = Object.fromEntries(
      (await store.repository(name).tags.entries()).map(({ tag, descriptor }) => [tag, descriptor.digest]),
    );
    const meta = await repoMetaOf(running, name);
    const inMeta = Object.fromEntries(Object.entries(meta?.tags ?? {}).map(([tag, d]) => [tag, d.digest]));
    expect(inMeta, name).toEqual(inStorage);
    const images = await metaStore.repos.getImageMetas(Object.values(inStorage));
    expect(images.size, name).toBe(new Set(Object.values(inStorage)).size);
    for (const digest of Object.values(inStorage)) expect(meta?.statistics[digest], digest).toBeDefined();
  }
}

describe('metadata database crash safety (kill -9 while pushing)', () => {
  it('after every kill the database opens and agrees with storage', { timeout: 120_000 }, async () => {
    const root = join(directory, 'data');
    for (let round = 0; round < rounds; round += 1) {
      expect(await runAndKill(root, round)).toBeGreaterThan(0);
      const running = await startOnRoot(root);
      try {
        // the repositories the killed run touched have no fingerprint: they are re-read
        expect(metadataOf(running).startup.parsed).toBeGreaterThan(0);
        expect(metadataOf(running).startup.failed).toBe(0);
        await expectConsistent(running);
      } finally {
        await running.close();
      }
    }
  });
});

// CRASH TEST (about 10 s): a child process pushes in a loop and is killed with SIGKILL, several times.
// Afterwards: every index.json parses, every file under a digest name hashes to that digest, and every
// write the child acknowledged is readable.
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/digest.js';
import { createStore } from '../src/store.js';
import { readAll, temporaryDirectory } from './fixtures.js';

const childScript = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const rounds = 5;

function runAndKill(root: string, round: number, acknowledged: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, root, String(round)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    let lines = 0;
    child.stdout.on('data', (data: Buffer) => {
      buffered += data.toString();
      const complete = buffered.split('\n');
      buffered = complete.pop() ?? '';
      acknowledged.push(...complete);
      lines += complete.length;
      // kill at a different point each round, once the child is well into its loop
      if (lines >= 20 + round * 7 && !child.killed) child.kill('SIGKILL');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 8_000);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`child exited by itself (${_code})`));
    });
  });
}

async function* filesUnder(directory: string): AsyncGenerator<string> {
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

describe('crash safety (kill -9 during uploads and manifest puts)', () => {
  const directory = temporaryDirectory();
  afterAll(async () => (await directory).remove());

  it('leaves no torn index, no partial blob under its digest, and every acknowledged write readable', async () => {
    const root = (await directory).path;
    const acknowledged: string[] = [];
    for (let round = 0; round < rounds; round += 1) await runAndKill(root, round, acknowledged);
    expect(acknowledged.length).toBeGreaterThan(rounds * 20);

    let blobFiles = 0;
    for await (const path of filesUnder(root)) {
      if (path.endsWith('/index.json')) JSON.parse(await readFile(path, 'utf8'));
      const match = /\/blobs\/sha256\/([a-f0-9]{64})$/.exec(path);
      if (match) {
        blobFiles += 1;
        expect(sha256Hex(await readFile(path)), path).toBe(match[1]);
      }
    }
    expect(blobFiles).toBeGreaterThan(0);

    const store = createStore({ rootDirectory: root });
    for (const line of acknowledged) {
      const [kind, repository = '', ...rest] = line.split(' ');
      const repo = store.repository(repository);
      if (kind === 'blob') {
        const digest = rest[0] ?? '';
        expect(sha256Hex(await readAll(await repo.blobs.read(digest)))).toBe(digest.slice(7));
      } else {
        const [tag = '', digest] = rest;
        expect((await repo.manifests.get(tag)).digest).toBe(digest);
      }
    }
    expect((await store.scrub()).findings).toEqual([]);
  }, 60_000);
});

// CRASH TEST, two processes on one root (about 10 s): as crash.test.ts, but each round runs two children
// with cross-process stores (lock files, shared generations: the registry's `http.workers`) pushing into the
// same repositories, and kills both with SIGKILL at different points. Lock files left by a killed process
// must be taken over by the next round (each round must make progress), and afterwards every index.json
// parses, every file under a digest name hashes to it, and every write either child acknowledged is readable.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { coordinationDirectoryOf } from '../src/coordination-dir.js';
import { sha256Hex } from '../src/digest.js';
import { createStore } from '../src/store.js';
import { readAll, temporaryDirectory } from './fixtures.js';

const childScript = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const rounds = 4;

/** Runs one child until it acknowledged `killAfter` writes, then SIGKILL; resolves with its line count. */
function runAndKill(root: string, round: number, name: string, killAfter: number, acknowledged: string[]) {
  return new Promise<number>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', childScript, root, String(round), 'cross', name],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let buffered = '';
    let lines = 0;
    child.stdout.on('data', (data: Buffer) => {
      buffered += data.toString();
      const complete = buffered.split('\n');
      buffered = complete.pop() ?? '';
      acknowledged.push(...complete);
      lines += complete.length;
      if (lines >= killAfter && !child.killed) child.kill('SIGKILL');
    });
    // a child stuck on a lock its killed predecessor left would never reach killAfter
    const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(lines);
      else reject(new Error(`child exited by itself (${code})`));
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

describe('crash safety with two processes on one root (kill -9 during uploads and manifest puts)', () => {
  const directory = temporaryDirectory();
  afterAll(async () => {
    rmSync(coordinationDirectoryOf((await directory).path), { recursive: true, force: true });
    await (await directory).remove();
  });

  it('takes over the killed processes locks, tears nothing, and keeps every acknowledged write', async () => {
    const root = (await directory).path;
    const acknowledged: string[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const killAfter = [15 + round * 5, 25 + round * 3];
      const lines = await Promise.all([
        runAndKill(root, round, 'a', killAfter[0] ?? 0, acknowledged),
        runAndKill(root, round, 'b', killAfter[1] ?? 0, acknowledged),
      ]);
      expect(lines[0], `round ${round}, process a`).toBeGreaterThanOrEqual(killAfter[0] ?? 0);
      expect(lines[1], `round ${round}, process b`).toBeGreaterThanOrEqual(killAfter[1] ?? 0);
    }

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

    const store = createStore({ rootDirectory: root, crossProcess: true });
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
    // and the store still takes writes: no lock is stuck
    const repo = store.repository('crash/repo0');
    const status = await repo.uploads.start();
    await repo.uploads.cancel(status.uploadSessionId);
  }, 90_000);
});

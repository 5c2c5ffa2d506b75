// Cross-process locks (file-locks.ts): increments from two processes under one key never get lost, a lock
// left by a process killed with SIGKILL is taken over, and two FileLocks in one process exclude each other.
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileLocks } from '../src/file-locks.js';
import { temporaryDirectory } from './fixtures.js';

const childScript = fileURLToPath(new URL('./file-locks-child.ts', import.meta.url));

function child(args: string[], onLine?: (line: string) => void) {
  const process_ = spawn(process.execPath, ['--import', 'tsx', childScript, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process_.stdout.on('data', (data: Buffer) => {
    for (const line of data.toString().split('\n')) if (line !== '') onLine?.(line);
  });
  const exited = new Promise<number | null>((resolve) => process_.on('exit', (code) => resolve(code)));
  return { process: process_, exited };
}

describe('FileLocks (cross-process keyed locks)', () => {
  const directory = temporaryDirectory();
  afterAll(async () => (await directory).remove());

  it('two processes incrementing one file under one key lose no increment', async () => {
    const root = (await directory).path;
    const counter = join(root, 'counter');
    await writeFile(counter, '0');
    const locksDir = join(root, 'locks-a');
    const runs = [child([locksDir, counter, '150']), child([locksDir, counter, '150'])];
    expect(await Promise.all(runs.map((run) => run.exited))).toEqual([0, 0]);
    expect(Number(await readFile(counter, 'utf8'))).toBe(300);
    expect(await readdir(locksDir)).toEqual([]); // every lock file was removed on release
  }, 30_000);

  it('a lock held by a process killed with SIGKILL is taken over by the next one', async () => {
    const root = (await directory).path;
    const counter = join(root, 'counter-b');
    await writeFile(counter, '0');
    const locksDir = join(root, 'locks-b');
    let holding!: () => void;
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const holder = child([locksDir, counter, '0', 'holdAndHang'], (line) => line === 'holding' && holding());
    await held;
    const locks = createFileLocks(locksDir);
    let entered = false;
    const waiting = locks.withKeyLock('counter', async () => {
      entered = true;
    });
    await sleep(100);
    expect(entered).toBe(false); // the holder is alive: we wait
    holder.process.kill('SIGKILL');
    await holder.exited;
    expect((await readdir(locksDir)).length).toBe(1); // its lock file is still there
    await waiting;
    expect(entered).toBe(true);
    expect(await readdir(locksDir)).toEqual([]);
  }, 30_000);

  it('two FileLocks in one process on one directory exclude each other', async () => {
    const locksDir = join((await directory).path, 'locks-c');
    const [a, b] = [createFileLocks(locksDir), createFileLocks(locksDir)];
    const order: string[] = [];
    await Promise.all([
      a.withRepoLock('app', async () => {
        order.push('a in');
        await sleep(50);
        order.push('a out');
      }),
      sleep(5).then(() =>
        b.withRepoLock('app', async () => {
          order.push('b in');
        }),
      ),
    ]);
    expect(order).toEqual(['a in', 'a out', 'b in']);
  });

  it('an empty lock file (its creator killed between create and write) is stale after emptyStaleMs', async () => {
    const locksDir = join((await directory).path, 'locks-d');
    const locks = createFileLocks(locksDir, { emptyStaleMs: 200 });
    // make the file the key maps to, empty
    let path = '';
    await locks.withKeyLock('k', async () => {
      path = join(locksDir, (await readdir(locksDir))[0] ?? '');
    });
    await writeFile(path, '');
    const started = Date.now();
    await locks.withKeyLock('k', async () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });
});

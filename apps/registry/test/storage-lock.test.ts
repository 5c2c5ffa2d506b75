// The storage-root lock (storage-lock.ts): stale files are taken over, live owners refuse, and among several
// processes racing for one root (over a stale lock, the hardest case) exactly one wins.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockStorageRoots, STORAGE_LOCK_FILE_NAME, StorageInUseError } from '../src/storage-lock.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});
function tempRoot(): string {
  const directory = mkdtempSync(join(tmpdir(), 'zot-lock-'));
  directories.push(directory);
  return directory;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  return Number(
    execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }),
  );
}

function writeLock(root: string, owner: Record<string, unknown>): void {
  writeFileSync(
    join(root, STORAGE_LOCK_FILE_NAME),
    JSON.stringify({ host: hostname(), token: 'old', ...owner }),
  );
}

describe('lockStorageRoots', () => {
  it('takes over a file whose process is gone, and removes its own file on release', async () => {
    const root = tempRoot();
    writeLock(root, { pid: deadPid() });
    const lock = await lockStorageRoots([root]);
    expect(JSON.parse(readFileSync(join(root, STORAGE_LOCK_FILE_NAME), 'utf8')).pid).toBe(process.pid);
    await lock.release();
    await expect(lockStorageRoots([root]).then((again) => again.release())).resolves.toBeUndefined();
  });

  it('refuses while the owner lives, and takes over when the pid was reused (other start time)', async () => {
    const root = tempRoot();
    const parent = process.ppid;
    const stat = readFileSync(`/proc/${parent}/stat`, 'utf8');
    const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    writeLock(root, { pid: parent, startTime });
    const refused = await lockStorageRoots([root]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StorageInUseError);
    expect((refused as Error).message).toContain(`storage ${resolve(root)} is in use by process ${parent}`);

    writeLock(root, { pid: parent, startTime: '1' });
    const lock = await lockStorageRoots([root]);
    await lock.release();
  });

  it('refuses a second lock on the same root within one process', async () => {
    const root = tempRoot();
    const lock = await lockStorageRoots([root]);
    await expect(lockStorageRoots([join(root, '.')])).rejects.toThrow(`is in use by process ${process.pid}`);
    await lock.release();
  });

  it('lets exactly one of six processes racing over a stale lock win', async () => {
    const root = tempRoot();
    writeLock(root, { pid: deadPid() });
    const script = [
      `import { lockStorageRoots } from ${JSON.stringify(resolve(import.meta.dirname, '../src/storage-lock.ts'))};`,
      `try { const lock = await lockStorageRoots([${JSON.stringify(root)}]); console.log('won');`,
      '  await new Promise((done) => setTimeout(done, 3000)); await lock.release(); }',
      "catch (error) { console.log(error.name === 'StorageInUseError' ? 'busy' : 'error ' + error.message); }",
    ].join('\n');
    const results = await Promise.all(
      Array.from(
        { length: 6 },
        () =>
          new Promise<string>((done) => {
            const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
              stdio: ['ignore', 'pipe', 'inherit'],
            });
            let output = '';
            child.stdout.on('data', (chunk: Buffer) => {
              output += chunk.toString();
            });
            child.on('exit', () => done(output.trim()));
          }),
      ),
    );
    expect(results.filter((result) => result === 'won')).toHaveLength(1);
    expect(results.filter((result) => result === 'busy')).toHaveLength(5);
  }, 60_000);
});

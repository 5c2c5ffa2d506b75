// Child process of file-locks.test.ts: `count` read-modify-write increments of one file, each under the
// key lock of a FileLocks on `directory`, with a pause inside so that unguarded increments would be lost.
// Run: node --import tsx file-locks-child.ts <directory> <counterFile> <count> [holdAndHang]
import { readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFileLocks } from '../src/file-locks.js';

const [directory = '', counterFile = '', count = '0', mode = ''] = process.argv.slice(2);
const locks = createFileLocks(directory);

if (mode === 'holdAndHang') {
  // takes the lock and never gives it back: the parent kills it with SIGKILL
  await locks.withKeyLock('counter', async () => {
    process.stdout.write('holding\n');
    await sleep(60_000);
  });
} else {
  for (let i = 0; i < Number(count); i++) {
    await locks.withKeyLock('counter', async () => {
      const value = Number(await readFile(counterFile, 'utf8'));
      await sleep(Math.random() < 0.2 ? 1 : 0);
      await writeFile(counterFile, String(value + 1));
    });
  }
  process.stdout.write('done\n');
}

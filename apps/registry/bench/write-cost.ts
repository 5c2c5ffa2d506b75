// `node --import tsx apps/registry/bench/write-cost.ts`: what writing fresh bytes costs this machine with no
// registry involved. One process writes 3 files of 100 MiB in 1 MiB synchronous writes and hashes them, three
// rounds, deleting the files between rounds, and prints the CPU it used per MB (user and kernel). On the
// project's VM the first round pays for pages the balloon returned to the host (docs/performance.md, "Fifth
// round"); later rounds reuse the pages the deleted files freed. Not a test: prints a line per round.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MiB = 1024 * 1024;
const files = 3;
const chunksPerFile = 100;
const directory = mkdtempSync(join(tmpdir(), 'zot-write-cost-'));
const chunk = randomBytes(MiB);
try {
  for (let round = 1; round <= 3; round++) {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let file = 0; file < files; file++) {
      const descriptor = openSync(join(directory, `f${file}`), 'w');
      const hash = createHash('sha256');
      for (let i = 0; i < chunksPerFile; i++) {
        hash.update(chunk);
        writeSync(descriptor, chunk);
      }
      closeSync(descriptor);
      hash.digest('hex');
    }
    const cpu = process.cpuUsage(cpuBefore);
    const megabytes = (files * chunksPerFile * MiB) / 1e6;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    process.stdout.write(
      `round ${round}: ${files * chunksPerFile} MiB written and hashed in ${(performance.now() - started).toFixed(0)} ms, ` +
        `CPU ${cpuMs.toFixed(0)} ms (kernel ${(cpu.system / 1000).toFixed(0)} ms) = ${(cpuMs / megabytes).toFixed(2)} ms per MB\n`,
    );
    for (let file = 0; file < files; file++) unlinkSync(join(directory, `f${file}`));
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}

// Counters the store's caches compare against: "a blob was deleted under this root" (manifest bodies, the
// manifest put's re-check against GC) and "a repository appeared or went" (the catalog). In one process a
// number does; when several processes serve one root (`http.workers`), each must see the others' bumps at
// once, so the shared counter is a file whose size is the count: a bump appends one byte (O_APPEND, atomic
// between processes), a read is one fstat of a descriptor kept open (about a microsecond, no path lookup).
// It grows by a byte per deleted blob: a million deletions make a 1 MB file.
import { closeSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface GenerationCounter {
  value(): number;
  bump(): void;
  close(): void;
}

export function createInProcessCounter(): GenerationCounter {
  let count = 0;
  return {
    value: () => count,
    bump: () => {
      count += 1;
    },
    close: () => undefined,
  };
}

const oneByte = Buffer.from('.');

/** A counter shared by every process that opens `path` (created when missing). */
export function createFileCounter(path: string): GenerationCounter {
  mkdirSync(dirname(path), { recursive: true });
  let fd: number | undefined = openSync(path, 'a', 0o644);
  const open = (): number => {
    if (fd === undefined) throw new Error(`generation counter ${path} is closed`);
    return fd;
  };
  return {
    value: () => fstatSync(open()).size,
    bump: () => {
      writeSync(open(), oneByte);
    },
    close: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

// The local-disk driver: temp file + optional fsync + atomic rename, reads in 1 MiB chunks.
import { randomBytes } from 'node:crypto';
import { type FileHandle, link, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { FileRangeStream } from './file-read-stream.js';
import { writeFully } from './file-writes.js';
import {
  assertRelativePath,
  type DriverEntry,
  DriverNotFoundError,
  type DriverStat,
  type DriverWriter,
  type StorageDriver,
} from './storage-driver.js';

export interface LocalDriverOptions {
  rootDirectory: string;
  /** fsync file data and directory entries before a write is acknowledged (zot's `commit`). */
  commit?: boolean;
}

/**
 * A file's version for caches keyed by it: an atomic replace (temp + rename) brings a new inode, so even a
 * same-size rewrite within one mtime tick reads as a new version.
 */
function versionOf(info: { ino: number; mtimeMs: number; size: number }): string {
  return `${info.ino}:${info.mtimeMs}:${info.size}`;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Runs `operation` (an open, rename or link into `directory`); when it fails because the directory is
 * missing, creates it and runs it once more. Directories almost always exist already, so asking first
 * (mkdir -p: a mkdir and a stat) would cost two system calls on every write for nothing.
 */
async function inDirectory<T>(directory: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    await mkdir(directory, { recursive: true });
    return operation();
  }
}

export function createLocalDriver(options: LocalDriverOptions): StorageDriver {
  const root = options.rootDirectory;
  const durable = options.commit ?? false;
  const full = (path: string): string => {
    if (path === '') return root;
    assertRelativePath(path);
    return join(root, path);
  };

  async function openWriter(path: string, append: boolean, knownSize?: number): Promise<DriverWriter> {
    const filePath = full(path);
    const handle = await inDirectory(dirname(filePath), () => open(filePath, append ? 'a' : 'w'));
    const initialSize = append ? (knownSize ?? (await handle.stat()).size) : 0;
    let size = initialSize;
    let closed = false;
    const close = async (): Promise<void> => {
      if (!closed) {
        closed = true;
        await handle.close();
      }
    };
    return {
      get size() {
        return size;
      },
      fd: handle.fd,
      async write(chunk) {
        await writeFully(handle, chunk);
        size += chunk.byteLength;
      },
      async commit(destinationPath) {
        if (durable) await handle.datasync();
        await close();
        if (destinationPath !== undefined) {
          const destination = full(destinationPath);
          await inDirectory(dirname(destination), () => rename(filePath, destination));
          if (durable) await syncDirectory(dirname(destination));
        }
      },
      async cancel() {
        try {
          if (append) await handle.truncate(initialSize);
        } finally {
          await close();
          if (!append) await rm(filePath, { force: true });
        }
      },
    };
  }

  async function* walkFrom(path: string): AsyncIterable<{ path: string; size: number }> {
    for (const entry of await list(path)) {
      const child = path === '' ? entry.name : `${path}/${entry.name}`;
      if (entry.isDirectory) yield* walkFrom(child);
      else {
        const info = await stat(full(child)).catch(() => undefined);
        if (info) yield { path: child, size: info.size };
      }
    }
  }

  async function list(path: string): Promise<DriverEntry[]> {
    try {
      const entries = await readdir(full(path), { withFileTypes: true });
      return entries.map((entry) => ({ name: entry.name, isDirectory: entry.isDirectory() }));
    } catch (error) {
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
      throw error;
    }
  }

  return {
    name: 'local',
    canLink: true,
    async stat(path): Promise<DriverStat | undefined> {
      try {
        const info = await stat(full(path));
        return {
          size: info.size,
          modifiedAt: info.mtime,
          changedAt: info.ctime,
          isDirectory: info.isDirectory(),
          version: versionOf(info),
        };
      } catch (error) {
        if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
        throw error;
      }
    },
    async reader(path, range): Promise<Readable> {
      let handle: FileHandle;
      try {
        handle = await open(full(path), 'r');
      } catch (error) {
        if (errorCode(error) === 'ENOENT') throw new DriverNotFoundError(path);
        throw error;
      }
      // without a range: to the end of the file, wherever that is when we get there
      return new FileRangeStream(handle, range?.start ?? 0, range?.end ?? Number.MAX_SAFE_INTEGER);
    },
    async getContent(path) {
      try {
        return await readFile(full(path));
      } catch (error) {
        if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
        throw error;
      }
    },
    async putContent(path, content) {
      const filePath = full(path);
      const directory = dirname(filePath);
      const temporary = join(
        directory,
        `.${filePath.slice(directory.length + 1)}.${randomBytes(6).toString('hex')}.tmp`,
      );
      const handle = await inDirectory(directory, () => open(temporary, 'w'));
      let version: string;
      try {
        await writeFully(handle, typeof content === 'string' ? Buffer.from(content) : content);
        if (durable) await handle.datasync();
        // the rename keeps the inode and the mtime: this is the version a stat of the new file gives
        version = versionOf(await handle.stat());
      } catch (error) {
        await handle.close();
        await rm(temporary, { force: true });
        throw error;
      }
      await handle.close();
      await rename(temporary, filePath);
      if (durable) await syncDirectory(directory);
      return version;
    },
    writer: (path, writerOptions) => openWriter(path, writerOptions?.append ?? false, writerOptions?.size),
    list,
    async move(sourcePath, destinationPath) {
      const destination = full(destinationPath);
      try {
        // a missing source fails the retry too, so ENOENT still means the source is gone
        await inDirectory(dirname(destination), () => rename(full(sourcePath), destination));
      } catch (error) {
        if (errorCode(error) === 'ENOENT') throw new DriverNotFoundError(sourcePath);
        throw error;
      }
      if (durable) await syncDirectory(dirname(destination));
    },
    async delete(path) {
      await rm(full(path), { recursive: true, force: true });
    },
    walk: (path) => walkFrom(path),
    async link(sourcePath, destinationPath) {
      const destination = full(destinationPath);
      try {
        await inDirectory(dirname(destination), () => link(full(sourcePath), destination));
      } catch (error) {
        if (errorCode(error) === 'EEXIST' || errorCode(error) === 'ENOENT') return false;
        throw error;
      }
      if (durable) await syncDirectory(dirname(destination));
      return true;
    },
  };
}

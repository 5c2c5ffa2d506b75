// An in-memory driver for tests and ephemeral registries. `link` shares one buffer between names.
import { Readable } from 'node:stream';
import {
  assertRelativePath,
  CHUNK_SIZE,
  type DriverEntry,
  DriverNotFoundError,
  type DriverWriter,
  type StorageDriver,
} from './storage-driver.js';

interface MemoryFile {
  content: Buffer;
  modifiedAt: Date;
  /** Bumped on every store, so a cached parse of the file knows it is stale. */
  serial: number;
}

export function createMemoryDriver(): StorageDriver {
  const files = new Map<string, MemoryFile>();
  const check = (path: string): string => {
    if (path !== '') assertRelativePath(path);
    return path;
  };
  const prefixOf = (path: string): string => (path === '' ? '' : `${path}/`);
  const isDirectory = (path: string): boolean => {
    const prefix = prefixOf(path);
    for (const key of files.keys()) if (key.startsWith(prefix)) return true;
    return false;
  };
  let serial = 0;
  const store = (path: string, content: Buffer): void => {
    serial += 1;
    files.set(path, { content, modifiedAt: new Date(), serial });
  };

  function list(path: string): DriverEntry[] {
    const prefix = prefixOf(check(path));
    const entries = new Map<string, boolean>();
    for (const key of files.keys()) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      const name = slash === -1 ? rest : rest.slice(0, slash);
      entries.set(name, (entries.get(name) ?? false) || slash !== -1);
    }
    return [...entries].map(([name, directory]) => ({ name, isDirectory: directory }));
  }

  return {
    name: 'memory',
    canLink: true,
    async stat(path) {
      const file = files.get(check(path));
      if (file) {
        const size = file.content.byteLength;
        return { size, modifiedAt: file.modifiedAt, isDirectory: false, version: `${file.serial}:${size}` };
      }
      return isDirectory(path) ? { size: 0, modifiedAt: new Date(0), isDirectory: true } : undefined;
    },
    async reader(path, range) {
      const file = files.get(check(path));
      if (!file) throw new DriverNotFoundError(path);
      const content = range ? file.content.subarray(range.start, range.end + 1) : file.content;
      function* chunks(): Generator<Buffer> {
        for (let offset = 0; offset < content.byteLength; offset += CHUNK_SIZE) {
          yield content.subarray(offset, offset + CHUNK_SIZE);
        }
      }
      return Readable.from(chunks(), { objectMode: false, highWaterMark: CHUNK_SIZE });
    },
    async getContent(path) {
      const file = files.get(check(path));
      return file ? Buffer.from(file.content) : undefined;
    },
    async putContent(path, content) {
      store(check(path), Buffer.from(typeof content === 'string' ? Buffer.from(content) : content));
      return undefined;
    },
    async writer(path, options): Promise<DriverWriter> {
      check(path);
      const append = options?.append ?? false;
      const initial = append ? (files.get(path)?.content ?? Buffer.alloc(0)) : Buffer.alloc(0);
      const chunks: Buffer[] = [initial];
      let size = initial.byteLength;
      if (!files.has(path) || !append) store(path, initial);
      return {
        get size() {
          return size;
        },
        async write(chunk) {
          chunks.push(Buffer.from(chunk));
          size += chunk.byteLength;
        },
        async commit(destinationPath) {
          const content = Buffer.concat(chunks);
          if (destinationPath === undefined) store(path, content);
          else {
            files.delete(path);
            store(check(destinationPath), content);
          }
        },
        async cancel() {
          if (append) store(path, initial);
          else files.delete(path);
        },
      };
    },
    list: async (path) => list(path),
    async move(sourcePath, destinationPath) {
      const file = files.get(check(sourcePath));
      if (!file) throw new DriverNotFoundError(sourcePath);
      files.delete(sourcePath);
      files.set(check(destinationPath), file);
    },
    async delete(path) {
      const prefix = prefixOf(check(path));
      files.delete(path);
      for (const key of [...files.keys()]) if (key.startsWith(prefix)) files.delete(key);
    },
    async *walk(path) {
      const prefix = prefixOf(check(path));
      const keys = [...files.keys()].filter((key) => key.startsWith(prefix)).sort();
      for (const key of keys) {
        const file = files.get(key);
        if (file) yield { path: key, size: file.content.byteLength };
      }
    },
    async link(sourcePath, destinationPath) {
      const file = files.get(check(sourcePath));
      if (!file || files.has(check(destinationPath))) return false;
      files.set(destinationPath, file);
      return true;
    },
  };
}

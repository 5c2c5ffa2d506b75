// The storage-driver interface: bytes under '/'-separated relative paths. It knows nothing of OCI,
// so an S3 driver can come later without touching the stores. Only the dedupe fast path asks
// whether the driver can hard-link (`canLink`).
import type { Readable } from 'node:stream';

export interface DriverStat {
  size: number;
  modifiedAt: Date;
  /**
   * Local disk: the inode's change time. A new hard link (dedupe) moves it but not the mtime, so GC counts it: a
   * blob another instance just linked (its in-process touch record is not ours) still looks young.
   */
  changedAt?: Date;
  isDirectory: boolean;
  /**
   * Differs whenever the file's bytes may differ (local disk: inode, mtime in nanoseconds, size), so readers
   * may cache what they parsed of a small file (index.json) until it changes. Absent: the driver cannot
   * tell, and nothing is cached.
   */
  version?: string;
}

export interface DriverEntry {
  name: string;
  isDirectory: boolean;
}

/** A file being written. Nothing is visible under the final name before `commit`. */
export interface DriverWriter {
  /** Bytes in the file so far (including what was there before, in append mode). */
  readonly size: number;
  /**
   * Local disk only: the open file descriptor (opened for append when the writer appends). An upload worker
   * thread writes to it directly instead of `write` (upload-hash.ts), while the writer is open; `commit` and
   * `cancel` still act on the whole file, and must wait until those writes are done. `size` does not count them.
   */
  readonly fd?: number;
  /** The caller may reuse `chunk`'s memory once the promise settles (a driver keeping it must copy). */
  write(chunk: Uint8Array): Promise<void>;
  /**
   * Makes the bytes durable (fsync when the driver was created with `commit: true`) and closes.
   * With `destinationPath`, then renames the file there atomically (replacing what was there).
   */
  commit(destinationPath?: string): Promise<void>;
  /** Undoes this writer: a new file is removed; an appended file is cut back to its size before. */
  cancel(): Promise<void>;
}

export interface StorageDriver {
  readonly name: string;
  /** True when `link` makes a second name for the same bytes in O(1) (hard link, shared buffer). */
  readonly canLink: boolean;
  stat(path: string): Promise<DriverStat | undefined>;
  /** Streams bytes start..end (inclusive) in 1 MiB chunks; throws DriverNotFoundError. */
  reader(path: string, range?: { start: number; end: number }): Promise<Readable>;
  /** Whole content of a small file, or undefined when absent. */
  getContent(path: string): Promise<Uint8Array | undefined>;
  /**
   * Atomically replaces a small file: readers see the old or the new content, never a torn one. Resolves to
   * the `version` a `stat` of the new file would give, when the driver learns it while writing (spares the
   * caller a stat); otherwise to undefined.
   */
  putContent(path: string, content: Uint8Array | string): Promise<string | undefined>;
  /**
   * Opens a writer; `append` continues an existing file (resumable uploads). Parent dirs are created.
   * `size`: with `append`, the file's size the caller has just read under a lock that keeps other writers
   * out (spares the driver a second look; `cancel` cuts back to it).
   */
  writer(path: string, options?: { append?: boolean; size?: number }): Promise<DriverWriter>;
  /** Children of a directory, or [] when it does not exist. */
  list(path: string): Promise<DriverEntry[]>;
  /** Atomic rename (replaces the destination); throws DriverNotFoundError when the source is absent. */
  move(sourcePath: string, destinationPath: string): Promise<void>;
  /** Removes a file or a directory tree; no error when absent. */
  delete(path: string): Promise<void>;
  /** Every file below `path` (depth first), as paths relative to the driver root. */
  walk(path: string): AsyncIterable<{ path: string; size: number }>;
  /** Second name for the same bytes; false when the destination exists already or the source is absent. */
  link?(sourcePath: string, destinationPath: string): Promise<boolean>;
  /** A URL a client may fetch the bytes from directly (S3 presigned URLs); local drivers have none. */
  redirectUrl?(path: string): Promise<string | undefined>;
}

export class DriverNotFoundError extends Error {
  readonly path: string;
  constructor(path: string) {
    super(`path not found: ${path}`);
    this.name = 'DriverNotFoundError';
    this.path = path;
  }
}

export function isDriverNotFound(error: unknown): error is DriverNotFoundError {
  return error instanceof DriverNotFoundError;
}

/** Chunk size for reads and coalesced writes (STACK.md: 1 MiB is 3x faster than the 64 KiB default). */
export const CHUNK_SIZE = 1024 * 1024;

/** Refuses paths that could leave the driver root, whatever the caller validated before. */
export function assertRelativePath(path: string): void {
  if (
    path === '' ||
    path.startsWith('/') ||
    path.includes('\\') ||
    path.includes('\0') ||
    path.split('/').some((part) => part === '..' || part === '.' || part === '')
  ) {
    throw new Error(`invalid driver path: ${JSON.stringify(path.slice(0, 200))}`);
  }
}

// Manifest bodies kept in memory after the first read: a manifest blob never changes under its digest, so
// a GET by tag needs the disk only for index.json's stat. What can make an entry wrong is a deletion (the
// manifest deleted, GC sweeping it): every deletion of a blob under this root bumps
// `StoreContext.blobDeletions` first, and an entry older than the last deletion is not served.
// Bounded in bytes; the least recently used bodies go first.

export interface ManifestBodyCacheOptions {
  /** Total bytes kept. Default 16 MiB. */
  maxBytes?: number;
  /** Larger bodies are never kept. Default 256 KiB (image manifests are a few KiB). */
  maxEntryBytes?: number;
}

interface Entry {
  body: Uint8Array;
  /** `blobDeletions` when the body was read: a deletion since then may have removed it. */
  generation: number;
}

export class ManifestBodyCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly maxEntryBytes: number;

  constructor(options: ManifestBodyCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    this.maxEntryBytes = options.maxEntryBytes ?? 256 * 1024;
  }

  /** The body stored at `blobPath`, when read since the last deletion of a blob. Never mutate it. */
  get(blobPath: string, generation: number): Uint8Array | undefined {
    const entry = this.entries.get(blobPath);
    if (entry === undefined) return undefined;
    this.entries.delete(blobPath);
    if (entry.generation !== generation) {
      this.bytes -= entry.body.byteLength;
      return undefined;
    }
    this.entries.set(blobPath, entry);
    return entry.body;
  }

  set(blobPath: string, body: Uint8Array, generation: number): void {
    if (body.byteLength > this.maxEntryBytes) return;
    const previous = this.entries.get(blobPath);
    if (previous !== undefined) {
      this.entries.delete(blobPath);
      this.bytes -= previous.body.byteLength;
    }
    this.entries.set(blobPath, { body, generation });
    this.bytes += body.byteLength;
    for (const [path, oldest] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(path);
      this.bytes -= oldest.body.byteLength;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

// When a blob path was last (re)placed by the store: an upload finished onto it, a dedupe link made it,
// a mount linked it, or a write found it already there. A hard link keeps the inode's old mtime, so the
// file's mtime alone would make a blob pushed a second ago look hours old to GC; GC takes the later of
// the two. Recorded under the digest lock that GC also takes, so there is no window between them.
// In-process; SharedBlobTouches (blob-touches-shared.ts) adds a record other processes on the root see.

export class BlobTouches {
  private readonly touchedAt = new Map<string, number>();

  /** Bounded: past `capacity` the oldest entries go first (they are the least likely to still matter). */
  constructor(private readonly capacity = 100_000) {}

  touch(path: string, at: number = Date.now()): void {
    this.touchedAt.delete(path);
    if (this.touchedAt.size >= this.capacity) {
      const oldest = this.touchedAt.keys().next();
      if (!oldest.done) this.touchedAt.delete(oldest.value);
    }
    this.touchedAt.set(path, at);
  }

  /** Milliseconds since the epoch of the last touch, or undefined. */
  lastTouch(path: string): number | undefined {
    return this.touchedAt.get(path);
  }

  forget(path: string): void {
    this.touchedAt.delete(path);
  }

  /** Drops every touch at or before `before` (GC calls it with now - delay: older touches protect nothing). */
  prune(before: number): void {
    for (const [path, at] of this.touchedAt) if (at <= before) this.touchedAt.delete(path);
  }

  get size(): number {
    return this.touchedAt.size;
  }
}

// BlobTouches for several processes on one root (`crossProcess`, the registry's `http.workers`): GC in one
// process must see a blob another process placed a moment ago by hard link (which keeps the inode's old
// mtime). Each touch also writes an empty marker file `<directory>/<sha256(path)>`, whose mtime is the touch;
// GC's age check reads it (one stat per candidate blob, GC only). Touches happen under the digest lock, which
// is cross-process too, so GC never decides between a touch and the link it protects.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { BlobTouches } from './blob-touches.js';

export class SharedBlobTouches extends BlobTouches {
  constructor(
    private readonly directory: string,
    capacity?: number,
  ) {
    super(capacity);
    mkdirSync(directory, { recursive: true });
  }

  private markerOf(path: string): string {
    return join(this.directory, createHash('sha256').update(path).digest('hex').slice(0, 40));
  }

  override touch(path: string, at: number = Date.now()): void {
    super.touch(path, at);
    const marker = this.markerOf(path);
    try {
      // creating or truncating the file sets its mtime to now; only a touch in the past needs utimes
      closeSync(openSync(marker, 'w', 0o644));
      if (Math.abs(Date.now() - at) > 1000) utimesSync(marker, at / 1000, at / 1000);
    } catch {
      // the in-memory touch still protects the blob from this process's GC; never fail a push for a marker
    }
  }

  override lastTouch(path: string): number | undefined {
    const here = super.lastTouch(path);
    let shared: number | undefined;
    try {
      shared = statSync(this.markerOf(path)).mtimeMs;
    } catch {}
    if (here === undefined) return shared;
    return shared === undefined ? here : Math.max(here, shared);
  }

  override forget(path: string): void {
    super.forget(path);
    try {
      unlinkSync(this.markerOf(path));
    } catch {}
  }

  override prune(before: number): void {
    super.prune(before);
    for (const name of safeList(this.directory)) {
      const marker = join(this.directory, name);
      try {
        if (statSync(marker).mtimeMs <= before) unlinkSync(marker);
      } catch {}
    }
  }
}

function safeList(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return [];
  }
}

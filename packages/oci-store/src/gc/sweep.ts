// Files GC removes once they are older than gcDelay: blobs no live manifest references, abandoned
// upload sessions, and crash leftovers (`.index.json.<rand>.tmp`, `.<hex>.<rand>.tmp` from an atomic write
// that never reached its rename). Each removal happens under the lock the writer of that file holds.
import { digestOfBlobFile, layout, UPLOADS_DIR } from '../layout.js';
import type { StoreContext } from '../store-context.js';
import type { Digest } from '../store-types.js';
import { forgetUploadState, uploadSessionLockKey } from '../upload-store.js';
import { isOlderThan } from './blob-age.js';
import type { GcDecision } from './gc-types.js';

export interface SweepInput {
  context: StoreContext;
  repository: string;
  now: number;
  delayMs: number;
  dryRun: boolean;
  /** Called for each file removed (or, in dry-run, that would be). */
  decide: (decision: Omit<GcDecision, 'repository' | 'dryRun'>) => void;
}

/** An atomic write's temporary file (see local-driver putContent): `.<name>.<random hex>.tmp`. */
const TEMPORARY_FILE = /^\..+\.[0-9a-f]+\.tmp$/;

/**
 * Deletes the blobs of the repository that are not in `referenced`. Call under the repository lock:
 * the set must stay true until the deletions are done, and a manifest put waiting for that lock then
 * sees `blobDeletions` moved and re-checks its blobs.
 */
export async function sweepBlobs(input: SweepInput, referenced: ReadonlySet<Digest>): Promise<void> {
  const { context, repository } = input;
  const { driver } = context;
  for (const algorithmEntry of await driver.list(layout.blobsDir(repository))) {
    if (!algorithmEntry.isDirectory) continue;
    const directory = `${layout.blobsDir(repository)}/${algorithmEntry.name}`;
    for (const file of await driver.list(directory)) {
      if (file.isDirectory) continue;
      const path = `${directory}/${file.name}`;
      const digest = digestOfBlobFile(algorithmEntry.name, file.name);
      if (digest === undefined) {
        if (TEMPORARY_FILE.test(file.name)) await sweepLeftover(input, path);
        continue;
      }
      if (referenced.has(digest)) continue;
      await context.locks.withDigestLock(digest, async () => {
        const { old, size } = await isOlderThan(context, path, input.delayMs, input.now);
        if (!old || !(await driver.stat(path))) return;
        if (!input.dryRun) {
          context.blobDeletions += 1;
          await driver.delete(path);
          context.locator.remove(digest, path);
          context.blobTouches.forget(path);
        }
        input.decide({ kind: 'blob', digest, size, reason: 'not referenced by any manifest' });
      });
    }
  }
}

/** Upload sessions untouched for longer than the delay (zot: the upload file's mtime). */
export async function sweepUploads(input: SweepInput): Promise<void> {
  const { context, repository } = input;
  for (const entry of await context.driver.list(layout.uploadsDir(repository))) {
    const path = `${layout.uploadsDir(repository)}/${entry.name}`;
    if (entry.isDirectory) continue;
    await context.locks.withKeyLock(uploadSessionLockKey(repository, entry.name), async () => {
      const { old, size } = await isOlderThan(context, path, input.delayMs, input.now);
      if (!old || !(await context.driver.stat(path))) return;
      if (!input.dryRun) {
        await context.driver.delete(path);
        forgetUploadState(context, repository, entry.name);
        context.events.emit({ type: 'uploadCancelled', repository, uploadSessionId: entry.name });
      }
      input.decide({ kind: 'upload', size, reason: `abandoned upload ${entry.name}` });
    });
  }
}

/** Temporary files an interrupted atomic write left in the repository directory. */
export async function sweepRepositoryLeftovers(input: SweepInput): Promise<void> {
  for (const entry of await input.context.driver.list(input.repository)) {
    if (entry.isDirectory || entry.name === UPLOADS_DIR || !TEMPORARY_FILE.test(entry.name)) continue;
    await sweepLeftover(input, `${input.repository}/${entry.name}`);
  }
}

async function sweepLeftover(input: SweepInput, path: string): Promise<void> {
  const { old, size } = await isOlderThan(input.context, path, input.delayMs, input.now);
  if (!old) return;
  if (!input.dryRun) await input.context.driver.delete(path);
  input.decide({ kind: 'upload', size, reason: `crash leftover ${path.slice(path.lastIndexOf('/') + 1)}` });
}

// createGcJob: garbage collection and retention per repository (zot's pkg/storage/gc CleanRepo).
// Order, per repository: under the repository lock, plan the index (retention tags, orphaned referrers,
// untagged manifests), write it, then delete the blobs it no longer references; then, under each
// session's own lock, abandoned uploads and crash leftovers. The server schedules runAll every gcInterval.
import { readIndex, writeIndex } from '../oci-index.js';
import { referencedDigests } from '../references.js';
import type { BoundRepositoryStore } from '../repository-store.js';
import type { StoreContext } from '../store-context.js';
import type { StoreEvent } from '../store-types.js';
import {
  emptyCounts,
  type GcCounts,
  type GcDecision,
  type GcJob,
  type GcJobOptions,
  type GcRunSummary,
} from './gc-types.js';
import { planIndexChanges } from './index-plan.js';
import { createPolicyFinder } from './retention-rules.js';
import { defaultIsSignature } from './signatures.js';
import { type SweepInput, sweepBlobs, sweepRepositoryLeftovers, sweepUploads } from './sweep.js';

const DEFAULT_DELAY_MS = 60 * 60 * 1000; // zot's gcDelay default, 1h

function contextOf(repository: unknown): StoreContext {
  const context = (repository as Partial<BoundRepositoryStore>).context;
  if (context === undefined) throw new TypeError('createGcJob needs a store made by createStore');
  return context;
}

export function createGcJob(options: GcJobOptions): GcJob {
  const delayMs = options.delayMs ?? DEFAULT_DELAY_MS;
  const retentionDelayMs = options.retention?.delayMs ?? delayMs;
  const now = options.now ?? (() => new Date());
  const isSignature = options.isSignature ?? defaultIsSignature;
  const policyFor = createPolicyFinder(options.retention);
  const wholeRunDry = options.dryRun ?? false;
  const retentionDry = wholeRunDry || (options.retention?.dryRun ?? false);

  async function runRepository(repository: string, signal?: AbortSignal): Promise<GcCounts> {
    const started = performance.now();
    const counts = emptyCounts();
    const dryCounts = { blob: 0, manifest: 0, upload: 0, tag: 0 };
    const events: StoreEvent[] = [];
    const store = options.store.repository(repository);
    const context = contextOf(store);
    const record = (decision: GcDecision): void => {
      if (decision.dryRun) dryCounts[decision.kind] += 1;
      else {
        counts[decision.kind] += 1;
        if (decision.kind === 'blob' || decision.kind === 'upload')
          counts.reclaimedBytes += decision.size ?? 0;
      }
      options.onDecision?.(decision);
    };
    let failure: unknown;
    try {
      signal?.throwIfAborted();
      const at = now();
      const policy = policyFor(repository);
      // a matching policy decides with zot's defaults; otherwise the job's defaults apply
      const deleteUntagged = policy ? (policy.deleteUntagged ?? true) : (options.deleteUntagged ?? true);
      const deleteReferrers = policy ? (policy.deleteReferrers ?? false) : (options.deleteReferrers ?? true);
      const sweep = (dryRun: boolean): SweepInput => ({
        context,
        repository,
        now: at.getTime(),
        delayMs,
        dryRun,
        decide: (decision) => record({ ...decision, repository, dryRun }),
      });
      await context.locks.withRepoLock(repository, async () => {
        const index = await readIndex(context.driver, repository);
        if (!index) return;
        const planned = structuredClone(index);
        const removals = await planIndexChanges({
          context,
          repository,
          index: planned,
          now: at,
          gcDelayMs: delayMs,
          retentionDelayMs,
          deleteUntagged,
          deleteReferrers,
          keepTags: policy?.keepTags,
          tagTimes: options.tagTimes,
          isSignature,
        });
        for (const removal of removals) {
          for (const tag of removal.tags) {
            events.push({ type: 'tagDeleted', repository, tag, digest: removal.digest });
            if (removal.kind === 'tag')
              record({
                repository,
                kind: 'tag',
                tag,
                digest: removal.digest,
                reason: removal.reason,
                dryRun: retentionDry,
              });
          }
          if (removal.kind === 'manifest') {
            events.push({ type: 'manifestDeleted', repository, digest: removal.digest });
            record({
              repository,
              kind: 'manifest',
              digest: removal.digest,
              ...(removal.tags[0] !== undefined ? { tag: removal.tags[0] } : {}),
              reason: removal.reason,
              dryRun: retentionDry,
            });
          }
        }
        if (retentionDry) events.length = 0;
        else if (removals.length > 0) {
          await context.locks.checkFence?.(repository);
          await writeIndex(context.driver, repository, planned);
        }
        signal?.throwIfAborted();
        // with retention dryRun alone, blobs follow the index as it is (zot); a whole dry run reports
        // what the planned index would free
        const blobIndex = retentionDry && !wholeRunDry ? index : planned;
        const referenced = await referencedDigests(context, repository, blobIndex);
        await sweepBlobs(sweep(wholeRunDry), referenced);
      });
      signal?.throwIfAborted();
      await sweepUploads(sweep(wholeRunDry));
      // under the repository lock: a temporary file of an index.json write in flight (it holds the lock) is
      // never taken for a crash leftover, whatever the clock says
      await context.locks.withRepoLock(repository, () => sweepRepositoryLeftovers(sweep(wholeRunDry)));
    } catch (error) {
      failure = error;
    }
    for (const event of events) context.events.emit(event);
    context.events.emit({
      type: 'gcRun',
      repository,
      durationMs: performance.now() - started,
      deleted: { blob: counts.blob, manifest: counts.manifest, upload: counts.upload },
      reclaimedBytes: counts.reclaimedBytes,
      ...(counts.tag > 0 ? { tagsDeleted: counts.tag } : {}),
      ...(Object.values(dryCounts).some((count) => count > 0) ? { dryRun: dryCounts } : {}),
      ...(failure !== undefined
        ? { error: failure instanceof Error ? failure.message : String(failure) }
        : {}),
    });
    if (failure !== undefined) throw failure;
    return { ...counts, dryRun: dryCounts };
  }

  async function runAll(signal?: AbortSignal): Promise<GcRunSummary> {
    const summary: GcRunSummary = { ...emptyCounts(), repositories: 0, failures: [] };
    const { repositories } = await options.store.catalog();
    const contexts = new Set<StoreContext>();
    for (const repository of repositories) {
      signal?.throwIfAborted();
      summary.repositories += 1;
      try {
        contexts.add(contextOf(options.store.repository(repository)));
        const counts = await runRepository(repository, signal);
        for (const kind of ['blob', 'manifest', 'upload', 'tag', 'reclaimedBytes'] as const)
          summary[kind] += counts[kind];
        for (const kind of ['blob', 'manifest', 'upload', 'tag'] as const)
          summary.dryRun[kind] += counts.dryRun[kind];
      } catch (error) {
        if (signal?.aborted) throw error;
        summary.failures.push({ repository, error: error instanceof Error ? error.message : String(error) });
      }
    }
    // touches older than the delay protect nothing any more
    for (const context of contexts) context.blobTouches.prune(now().getTime() - delayMs);
    return summary;
  }

  return { runRepository, runAll };
}

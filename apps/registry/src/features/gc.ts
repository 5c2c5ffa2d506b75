// Garbage collection and retention from storage.gc / gcDelay / gcInterval / retention (issue 9).
// As zot's controller does (StartBackgroundTasks): one periodic GC per storage root whose `gc` is on, the
// global storage first, then each subPaths entry with its own gcDelay, gcInterval and retention. The
// collection itself is oci-store's createGcJob; this file only schedules it and wires its ports:
// cosign's isSignature, tag push/pull times from the metadata store, and decisions to the audit log.
// Tag times are recorded whether or not GC is on (zot's MetaDB records them always), so turning
// retention on later judges tags by their real history.
import { parseDuration } from '@zot-ts/config';
import { isSignature } from '@zot-ts/cosign';
import { createGcJob } from '@zot-ts/oci-store';
import type { Feature, FeatureContext } from './feature.js';
import { createDecisionLog, logPass } from './gc-audit.js';
import { gcJobOptionsOf, storageRootsOf, storeForRoot, tagTimesOf } from './gc-options.js';
import { createPassSchedule, type PassSchedule } from './gc-schedule.js';
import { createTagTimeRecorder, type TagTimeRecorder } from './gc-tag-times.js';

/** The GC feature, with handles for tests and diagnostics. */
export interface GcFeature extends Feature {
  gc: {
    /** One schedule per storage root with gc on, keyed by "/" or the subPaths prefix. */
    schedules: Map<string, PassSchedule>;
    /** Runs a pass of every root now (joining passes already running). */
    runNow(): Promise<void>;
    /** Resolves once every root has finished a pass that started after this call. */
    nextPass(): Promise<void>;
    tagTimes: TagTimeRecorder;
  };
}

export function isGcFeature(feature: Feature): feature is GcFeature {
  return 'gc' in feature;
}

export async function composeGc(context: FeatureContext): Promise<GcFeature> {
  const { config, store, logger, metaStore } = context;
  // decisions go to the audit log when log.audit is set, else to the log with `audit: true` (gc-audit.ts)
  const { audit } = context;
  const now = context.now;
  const tagTimes = createTagTimeRecorder({ metaStore, logger, ...(now === undefined ? {} : { now }) });
  const unsubscribe = store.subscribe((event) => tagTimes.onStoreEvent(event));

  const schedules = new Map<string, PassSchedule>();
  const intervals = new Map<string, string>();
  for (const root of storageRootsOf(config)) {
    if (!root.options.gc) continue;
    const job = createGcJob(
      gcJobOptionsOf(storeForRoot(store, config, root), root.options, {
        isSignature,
        tagTimes: tagTimesOf(metaStore),
        onDecision: createDecisionLog(logger, audit, root.prefix),
        ...(now === undefined ? {} : { now }),
      }),
    );
    const schedule = createPassSchedule({
      intervalMs: parseDuration(root.options.gcInterval),
      async run(signal) {
        // no flush here: a recorded time is in the metastore's memory at once (retention reads that); only
        // its write to disk is batched
        const pass = async (passSignal: AbortSignal) => {
          const started = performance.now();
          const summary = await job.runAll(passSignal);
          logPass(logger, root.prefix, summary, performance.now() - started);
        };
        // several instances on one storage (scale-out): only the holder of the GC lease collects
        const lease = context.scaleOut?.lease;
        if (lease === undefined) return pass(signal);
        // a skipped pass logs nothing: the holder's pass is logged there
        await lease.runExclusive(`gc:${root.prefix}`, pass, signal);
      },
      onError(error) {
        logger.error('gc pass failed', {
          module: 'gc',
          storageRoot: root.prefix,
          error: error instanceof Error ? error.message : String(error),
        });
      },
    });
    schedules.set(root.prefix, schedule);
    intervals.set(root.prefix, root.options.gcInterval);
  }

  return {
    observer: tagTimes.observer,
    gc: {
      schedules,
      async runNow() {
        await Promise.all([...schedules.values()].map((schedule) => schedule.runNow()));
      },
      async nextPass() {
        await Promise.all([...schedules.values()].map((schedule) => schedule.nextPass()));
      },
      tagTimes,
    },
    start() {
      for (const [prefix, schedule] of schedules) {
        logger.info('gc scheduled', { module: 'gc', storageRoot: prefix, gcInterval: intervals.get(prefix) });
        schedule.start();
      }
    },
    async close() {
      await Promise.all([...schedules.values()].map((schedule) => schedule.close()));
      unsubscribe();
      await tagTimes.flush();
    },
  };
}

// Periodic scrub from extensions.scrub {enable, interval} (issue 22), as zot v2.1.17 runs it
// (pkg/extensions/extension_scrub.go, pkg/extensions/scrub/scrub.go): one pass per storage root, the first
// right after start, the next `interval` after the previous ended; interval defaults to 24h and anything under
// 2h is raised to 2h with zot's warning. Each repository is checked image by image (oci-store scrubImages) and
// logged with zot's lines, field names included, so tools that read zot's scrub log keep working:
//   info  "executing scrub to check manifest/blob integrity for <root>/<repo>"
//   info  "blobs/manifest ok"        {image, tag, status: "ok", component: "scrub"}
//   warn  "blobs/manifest affected"  {image, tag, status: "affected", "affected blob", error, component: "scrub"}
//   info  "scrub successfully completed for <root>/<repo>"
//   error "failed to run scrub for <root>/<repo>" {error}, then info "scrub unsuccessfully completed for ..."
// Each image line also carries `digest` (ours): untagged images have tag "".
// The pass runs in the background, one blob at a time, yielding between images; requests are served meanwhile.
import { join } from 'node:path';
import { parseDuration } from '@zot-ts/config';
import type { ScrubImageResult } from '@zot-ts/oci-store';
import type { Logger } from '../log-sink.js';
import type { Feature, FeatureContext } from './feature.js';
import { storageRootsOf, storeForRoot } from './gc-options.js';
import { createPassSchedule, type PassSchedule } from './gc-schedule.js';

export const MIN_SCRUB_INTERVAL_MS = 2 * 60 * 60 * 1000;

export interface ScrubFeature extends Feature {
  scrub: {
    schedule: PassSchedule;
    /** The interval in effect, after zot's 2h minimum. */
    intervalMs: number;
  };
}

export function isScrubFeature(feature: Feature): feature is ScrubFeature {
  return 'scrub' in feature;
}

function logImage(logger: Logger, result: ScrubImageResult): void {
  if (result.status === 'ok') {
    logger.info('blobs/manifest ok', {
      image: result.repository,
      tag: result.tag,
      status: result.status,
      component: 'scrub',
      digest: result.digest,
    });
    return;
  }
  logger.warn('blobs/manifest affected', {
    image: result.repository,
    tag: result.tag,
    status: result.status,
    'affected blob': result.affectedBlob,
    error: result.error,
    component: 'scrub',
    digest: result.digest,
  });
}

export function composeScrub(context: FeatureContext): Feature {
  const settings = context.config.extensions?.scrub;
  if (settings?.enable !== true) return {};
  const { config, store, logger } = context;
  let intervalMs = parseDuration(settings.interval);
  if (intervalMs < MIN_SCRUB_INTERVAL_MS) {
    intervalMs = MIN_SCRUB_INTERVAL_MS;
    logger.warn(
      'scrub interval set to too-short interval < 2h, changing scrub duration to 2 hours and continuing.',
    );
  }

  async function scrubRoot(root: ReturnType<typeof storageRootsOf>[number], signal: AbortSignal) {
    const { repositories } = await storeForRoot(store, config, root).catalog();
    for (const repository of repositories) {
      signal.throwIfAborted();
      const where = join(root.options.rootDirectory, repository);
      logger.info(`executing scrub to check manifest/blob integrity for ${where}`);
      try {
        await store.scrubImages(repository, { signal, onImage: (result) => logImage(logger, result) });
      } catch (error) {
        if (signal.aborted) throw error;
        logger.error(`failed to run scrub for ${where}`, {
          error: error instanceof Error ? error.message : String(error),
        });
        logger.info(`scrub unsuccessfully completed for ${where}`);
        continue;
      }
      logger.info(`scrub successfully completed for ${where}`);
    }
  }

  const schedule = createPassSchedule({
    intervalMs,
    async run(signal) {
      const pass = async (passSignal: AbortSignal) => {
        for (const root of storageRootsOf(config)) await scrubRoot(root, passSignal);
      };
      // several instances on one storage (scale-out): one scrubs, the others skip
      const lease = context.scaleOut?.lease;
      if (lease === undefined) await pass(signal);
      else await lease.runExclusive('scrub', pass, signal);
    },
    onError(error) {
      logger.error('scrub pass failed', {
        component: 'scrub',
        error: error instanceof Error ? error.message : String(error),
      });
    },
  });

  const feature: ScrubFeature = {
    scrub: { schedule, intervalMs },
    start() {
      schedule.start();
    },
    close: () => schedule.close(),
  };
  return feature;
}

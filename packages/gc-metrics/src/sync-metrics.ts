// Counters of the sync extension (ours; zot v2.1.17 exports none for sync): images handled per upstream and
// outcome, blob bytes fetched, and failures, the figure to alert on.
import { Counter, type Registry } from 'prom-client';

export interface SyncMetrics {
  report(upstream: string, outcome: string, bytes: number): void;
}

export function createSyncMetrics(registry: Registry): SyncMetrics {
  const images = new Counter({
    name: 'zot_sync_images_total',
    help: 'Images sync handled, by upstream and outcome (synced, unchanged, failed, notFound, notSigned)',
    labelNames: ['upstream', 'outcome'],
    registers: [registry],
  });
  const bytes = new Counter({
    name: 'zot_sync_bytes_total',
    help: 'Blob bytes sync fetched from an upstream',
    labelNames: ['upstream'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'zot_sync_errors_total',
    help: 'Images sync failed to copy from an upstream',
    labelNames: ['upstream'],
    registers: [registry],
  });
  return {
    report(upstream, outcome, fetched) {
      images.inc({ upstream, outcome });
      if (fetched > 0) bytes.inc({ upstream }, fetched);
      if (outcome === 'failed') errors.inc({ upstream });
    },
  };
}

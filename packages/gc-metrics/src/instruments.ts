// Every instrument of the registry, on one prom-client Registry owned by the caller (never the
// global one, so several registries, or a host program's own metrics, live side by side).
// Names, label names and help texts of the zot_* HTTP and repository metrics are zot's
// (pkg/extensions/monitoring/extension.go, v2.1), so existing dashboards and alerts keep working.
import { Counter, Gauge, Histogram, type Registry, Summary } from 'prom-client';

/**
 * zot's buckets are [.05, .5, 1, 5, 30, 60, 600]. We keep every one of them (queries on a given `le`
 * still work) and add finer ones below 1 s, where most registry requests fall, so p50/p99 mean something.
 */
export const DEFAULT_LATENCY_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 600,
];

/** A GC pass over one repository takes milliseconds when idle, minutes on a large deduped store. */
export const DEFAULT_GC_DURATION_BUCKETS: readonly number[] = [
  0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 600, 1800,
];

export interface InstrumentOptions {
  latencyBuckets: readonly number[];
  gcDurationBuckets: readonly number[];
}

export type Instruments = ReturnType<typeof createInstruments>;

export function createInstruments(registry: Registry, options: InstrumentOptions) {
  const registers = [registry];
  return {
    // --- zot's metrics, same names, labels and help ---
    httpRequests: new Counter({
      name: 'zot_http_requests_total',
      help: 'Total number of http request in zot',
      labelNames: ['method', 'code'] as const,
      registers,
    }),
    // zot declares this one a summary without quantiles: only _sum and _count per repository.
    httpRepoLatency: new Summary({
      name: 'zot_http_repo_latency_seconds',
      help: 'Latency of serving HTTP requests',
      labelNames: ['repo'] as const,
      percentiles: [],
      registers,
    }),
    httpMethodLatency: new Histogram({
      name: 'zot_http_method_latency_seconds',
      help: 'Latency of serving HTTP requests',
      labelNames: ['method'] as const,
      buckets: [...options.latencyBuckets],
      registers,
    }),
    repoStorageBytes: new Gauge({
      name: 'zot_repo_storage_bytes',
      help: 'Storage used per zot repo',
      labelNames: ['repo'] as const,
      registers,
    }),
    repoUploads: new Counter({
      name: 'zot_repo_uploads_total',
      help: 'Total number times an image was uploaded',
      labelNames: ['repo'] as const,
      registers,
    }),
    repoDownloads: new Counter({
      name: 'zot_repo_downloads_total',
      help: 'Total number times an image was downloaded',
      labelNames: ['repo'] as const,
      registers,
    }),
    serverInfo: new Gauge({
      name: 'zot_info',
      help: 'Server general information',
      labelNames: ['commit', 'binaryType', 'goVersion', 'version'] as const,
      registers,
    }),
    // --- GC and retention (zot exports none; the issue names them) ---
    gcRuns: new Counter({
      name: 'zot_gc_runs_total',
      help: 'Total number of garbage collection runs, by whether the run failed',
      labelNames: ['error'] as const,
      registers,
    }),
    gcDuration: new Histogram({
      name: 'zot_gc_duration_seconds',
      help: 'Duration of garbage collection runs over one repository',
      buckets: [...options.gcDurationBuckets],
      registers,
    }),
    gcDeleted: new Counter({
      name: 'zot_gc_deleted_total',
      help: 'Total number of objects deleted by garbage collection, by type',
      labelNames: ['type'] as const,
      registers,
    }),
    gcReclaimedBytes: new Counter({
      name: 'zot_gc_reclaimed_bytes_total',
      help: 'Total number of bytes freed by garbage collection',
      registers,
    }),
    gcLastRunTimestamp: new Gauge({
      name: 'zot_gc_last_run_timestamp_seconds',
      help: 'Unix time at which the last garbage collection run finished',
      registers,
    }),
    retentionDryRunCandidates: new Counter({
      name: 'zot_retention_dry_run_candidates_total',
      help: 'Total number of objects a dry-run retention policy would have deleted, by type',
      labelNames: ['type'] as const,
      registers,
    }),
    // --- rate limiting (zot's limiter refuses without counting; ours counts what http.ratelimit refused) ---
    httpRateLimited: new Counter({
      name: 'zot_http_ratelimited_requests_total',
      help: 'Total number of requests refused with 429 by http.ratelimit, by method and by what was limited',
      labelNames: ['method', 'scope'] as const,
      registers,
    }),
    // --- live load ---
    uploadSessions: new Gauge({
      name: 'zot_upload_sessions',
      help: 'Number of blob upload sessions currently open',
      registers,
    }),
    httpRequestsInFlight: new Gauge({
      name: 'zot_http_requests_in_flight',
      help: 'Number of HTTP requests currently being served',
      registers,
    }),
  };
}

/** Series that exist from the start, so rate() and alerts see 0 rather than no data. */
export function initialiseZeroSeries(instruments: Instruments): void {
  for (const error of ['false', 'true']) instruments.gcRuns.inc({ error }, 0);
  for (const type of ['blob', 'manifest', 'upload']) instruments.gcDeleted.inc({ type }, 0);
  for (const type of ['manifest', 'tag', 'blob']) instruments.retentionDryRunCandidates.inc({ type }, 0);
  instruments.gcReclaimedBytes.inc(0);
}

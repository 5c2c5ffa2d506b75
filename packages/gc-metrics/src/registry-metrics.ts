// The metrics of one registry: zot's zot_* names plus GC, retention and load gauges, on a private
// prom-client Registry. Framework-free: the server calls observeRequest() from its own middleware,
// subscribes onStoreEvent to its store, and serves metricsText() with contentType at its metrics path.
import { collectDefaultMetrics, Registry } from 'prom-client';
import {
  createInstruments,
  DEFAULT_GC_DURATION_BUCKETS,
  DEFAULT_LATENCY_BUCKETS,
  initialiseZeroSeries,
} from './instruments.js';
import {
  boundedMethodLabel,
  boundedStatusLabel,
  createRepoLabelLimiter,
  NO_REPO_LABEL,
} from './label-bounds.js';
import {
  adjustStorageBytes,
  applyStoreEvent,
  countRetentionCandidates,
  isCount,
  removeStorageShare,
  type StoreEventState,
  setStorageBytes,
} from './store-event-metrics.js';
import type { MetricsStoreEvent, RetentionCandidateCounts } from './store-events.js';

export interface RegistryMetricsOptions {
  /** Goes to zot_info{version}. */
  version: string;
  /** zot_info{commit}; default "". */
  commit?: string;
  /** zot_info{binaryType}: zot writes the list of built-in extensions here; default "". */
  binaryType?: string;
  /** zot_info{goVersion}: the label name is zot's; we report the runtime, default `process.version`. */
  goVersion?: string;
  /** Distinct repository label values before further repositories share "_other"; default 1000. */
  maxRepoLabels?: number;
  /** Buckets of zot_http_method_latency_seconds, in seconds; default DEFAULT_LATENCY_BUCKETS. */
  latencyBuckets?: readonly number[];
  /** Buckets of zot_gc_duration_seconds, in seconds. */
  gcDurationBuckets?: readonly number[];
  /** Also export prom-client's process_* and nodejs_* metrics (as zot exports Go's); default false. */
  defaultMetrics?: boolean;
  /** Clock in milliseconds, for zot_gc_last_run_timestamp_seconds; default Date.now. */
  now?: () => number;
}

export interface RequestObservation {
  /** The request method as received; unknown methods are labelled "other". */
  method: string;
  /** The response status sent. */
  status: number;
  /** Time to serve the request, in seconds (fractions kept: zot truncates to whole seconds, we do not). */
  durationSeconds: number;
  /** The repository the route names, if any (zot labels the rest "N/A"). Never pass a raw path. */
  repository?: string;
}

export interface RegistryMetrics {
  /** The private registry, for a host program that wants to add its own metrics or merge registries. */
  readonly registry: Registry;
  /** Content-Type of metricsText(): the Prometheus text format 0.0.4. */
  readonly contentType: string;
  observeRequest(observation: RequestObservation): void;
  requestStarted(): void;
  requestFinished(): void;
  /** Subscribe this to the store (`store.subscribe(metrics.onStoreEvent)`); it never throws. */
  onStoreEvent(event: MetricsStoreEvent): void;
  /** An image was pulled (zot counts GET manifest). */
  recordDownload(repository: string): void;
  /** A request refused by a rate limit: `scope` says whose bucket was empty, a client address's or a user's. */
  recordRateLimited(method: string, scope: 'client' | 'user'): void;
  /** An image was pushed, for stores that emit no manifestPut event. */
  recordUpload(repository: string): void;
  /** The exact size of a repository, e.g. after walking it at startup or after GC. */
  setRepoStorageBytes(repository: string, bytes: number): void;
  /** Adds bytes to (or, negative, removes from) a repository's size. */
  addRepoStorageBytes(repository: string, deltaBytes: number): void;
  recordRetentionDryRun(candidates: RetentionCandidateCounts): void;
  /** Drops every series of a deleted repository and frees its label slot. */
  forgetRepository(repository: string): void;
  metricsText(): Promise<string>;
}

export function createRegistryMetrics(options: RegistryMetricsOptions): RegistryMetrics {
  const registry = new Registry();
  const instruments = createInstruments(registry, {
    latencyBuckets: options.latencyBuckets ?? DEFAULT_LATENCY_BUCKETS,
    gcDurationBuckets: options.gcDurationBuckets ?? DEFAULT_GC_DURATION_BUCKETS,
  });
  if (options.defaultMetrics === true) collectDefaultMetrics({ register: registry });
  initialiseZeroSeries(instruments);
  // zot sets zot_info to 0 once at startup; the labels carry the information.
  instruments.serverInfo.set(
    {
      commit: options.commit ?? '',
      binaryType: options.binaryType ?? '',
      goVersion: options.goVersion ?? process.version,
      version: options.version,
    },
    0,
  );

  const repoLabels = createRepoLabelLimiter(options.maxRepoLabels ?? 1000);
  const state: StoreEventState = {
    instruments,
    repoLabels,
    storageByRepository: new Map(),
    storageBytesByLabel: new Map(),
    openUploadSessions: new Set(),
    nowMs: options.now ?? Date.now,
  };
  let requestsInFlight = 0;

  return {
    registry,
    contentType: registry.contentType,
    observeRequest({ method, status, durationSeconds, repository }) {
      const methodLabel = boundedMethodLabel(method);
      instruments.httpRequests.inc({ method: methodLabel, code: boundedStatusLabel(status) });
      if (!isCount(durationSeconds)) return;
      instruments.httpMethodLatency.observe({ method: methodLabel }, durationSeconds);
      const repo = repository === undefined ? NO_REPO_LABEL : repoLabels.labelFor(repository);
      instruments.httpRepoLatency.observe({ repo }, durationSeconds);
    },
    requestStarted() {
      requestsInFlight += 1;
      instruments.httpRequestsInFlight.set(requestsInFlight);
    },
    requestFinished() {
      // A finish without a start (a bug in the caller) must not show negative load.
      requestsInFlight = Math.max(0, requestsInFlight - 1);
      instruments.httpRequestsInFlight.set(requestsInFlight);
    },
    onStoreEvent(event) {
      try {
        applyStoreEvent(state, event);
      } catch {
        // Metrics must never fail a store operation; a malformed event only loses its own update.
      }
    },
    recordDownload(repository) {
      instruments.repoDownloads.inc({ repo: repoLabels.labelFor(repository) });
    },
    recordRateLimited(method, scope) {
      instruments.httpRateLimited.inc({ method: boundedMethodLabel(method), scope });
    },
    recordUpload(repository) {
      instruments.repoUploads.inc({ repo: repoLabels.labelFor(repository) });
    },
    setRepoStorageBytes(repository, bytes) {
      setStorageBytes(state, repository, bytes);
    },
    addRepoStorageBytes(repository, deltaBytes) {
      adjustStorageBytes(state, repository, deltaBytes);
    },
    recordRetentionDryRun(candidates) {
      countRetentionCandidates(instruments, candidates);
    },
    forgetRepository(repository) {
      forgetRepositorySeries(state, repository);
    },
    metricsText: () => registry.metrics(),
  };
}

function forgetRepositorySeries(state: StoreEventState, repository: string): void {
  const { instruments, repoLabels } = state;
  // Repositories sharing "_other" keep their aggregate: only this one's share of bytes leaves it.
  removeStorageShare(state, repository);
  if (!repoLabels.forget(repository)) return;
  const labels = { repo: repository };
  instruments.repoStorageBytes.remove(labels);
  instruments.repoUploads.remove(labels);
  instruments.repoDownloads.remove(labels);
  instruments.httpRepoLatency.remove(labels);
  state.storageBytesByLabel.delete(repository);
}

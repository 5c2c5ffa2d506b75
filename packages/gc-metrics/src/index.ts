// Public API of @zot-ts/gc-metrics: what is not exported here is internal.

export { aggregateMetricsText, type ProcessMetricsJson } from './cluster-aggregate.js';
export { createEventDeliveryMetrics, type EventDeliveryMetrics } from './event-metrics.js';
export { DEFAULT_GC_DURATION_BUCKETS, DEFAULT_LATENCY_BUCKETS } from './instruments.js';
export { NO_REPO_LABEL, OTHER_METHOD_LABEL, OTHER_REPO_LABEL } from './label-bounds.js';
export { findSampleValue, parsePrometheusText } from './prometheus-text-parser.js';
export {
  type MetricFamily,
  type MetricType,
  type ParsedSample,
  PrometheusTextParseError,
} from './prometheus-text-types.js';
export {
  createRegistryMetrics,
  type RegistryMetrics,
  type RegistryMetricsOptions,
  type RequestObservation,
} from './registry-metrics.js';
export type {
  GcRunEvent,
  MetricsStoreEvent,
  RetentionCandidateCounts,
  RetentionDryRunEvent,
} from './store-events.js';
export { createSyncMetrics, type SyncMetrics } from './sync-metrics.js';

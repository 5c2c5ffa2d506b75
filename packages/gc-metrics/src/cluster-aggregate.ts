// The metrics of several server processes as one scrape (the registry's `http.workers`): each process sends
// `registry.getMetricsAsJSON()`, and prom-client's AggregatorRegistry merges them: counters and histograms are
// summed, gauges summed unless the metric says otherwise (prom-client's process metrics do).
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';

export type ProcessMetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/** One Prometheus text exposition of the metrics of every process. */
export function aggregateMetricsText(perProcess: ProcessMetricsJson[]): Promise<string> {
  return AggregatorRegistry.aggregate(perProcess).metrics();
}

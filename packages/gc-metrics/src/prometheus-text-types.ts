// What the Prometheus text parser returns, and the one error it throws.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface ParsedSample {
  /** The sample name as written, e.g. `zot_gc_duration_seconds_bucket`. */
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
  line: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help?: string;
  samples: ParsedSample[];
}

export class PrometheusTextParseError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'PrometheusTextParseError';
  }
}

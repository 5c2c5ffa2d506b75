// Family-level rules of the Prometheus text format that single lines cannot show:
// histograms carry cumulative `_bucket{le}` series ending at le="+Inf" whose count equals `_count`,
// plus `_sum`; summaries carry `{quantile}` samples in [0, 1] plus `_sum` and `_count`;
// counters never go negative. promtool and the Prometheus scraper reject or misread breaches.
import { type MetricFamily, type ParsedSample, PrometheusTextParseError } from './prometheus-text-types.js';

export function checkFamily(family: MetricFamily): void {
  switch (family.type) {
    case 'counter':
      for (const sample of family.samples) {
        expectName(sample, [family.name]);
        if (!(sample.value >= 0))
          throw new PrometheusTextParseError(sample.line, `counter ${sample.name} is ${sample.value}`);
      }
      return;
    case 'gauge':
    case 'untyped':
      for (const sample of family.samples) expectName(sample, [family.name]);
      return;
    case 'histogram':
      checkHistogram(family);
      return;
    case 'summary':
      checkSummary(family);
      return;
  }
}

/** Groups samples by their labels minus `except` (le or quantile): one group per child series. */
function groupByChild(samples: ParsedSample[], except: string): Map<string, ParsedSample[]> {
  const groups = new Map<string, ParsedSample[]>();
  for (const sample of samples) {
    const key = JSON.stringify(
      Object.entries(sample.labels)
        .filter(([name]) => name !== except)
        .sort(),
    );
    const group = groups.get(key) ?? [];
    group.push(sample);
    groups.set(key, group);
  }
  return groups;
}

function checkHistogram(family: MetricFamily): void {
  const { name } = family;
  for (const sample of family.samples) expectName(sample, [`${name}_bucket`, `${name}_sum`, `${name}_count`]);
  for (const group of groupByChild(family.samples, 'le').values()) {
    const buckets = group.filter((sample) => sample.name === `${name}_bucket`);
    const count = single(group, `${name}_count`);
    single(group, `${name}_sum`);
    let previousBound = Number.NEGATIVE_INFINITY;
    let previousCount = 0;
    for (const bucket of buckets) {
      const le = bucket.labels.le;
      if (le === undefined)
        throw new PrometheusTextParseError(bucket.line, `${bucket.name} without an le label`);
      const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
      if (Number.isNaN(bound) || le.trim() === '' || bound <= previousBound) {
        throw new PrometheusTextParseError(
          bucket.line,
          `bucket le="${le}" is not a number above the previous one`,
        );
      }
      if (!(bucket.value >= previousCount)) {
        throw new PrometheusTextParseError(
          bucket.line,
          `bucket le="${le}" holds ${bucket.value}, less than the bucket below`,
        );
      }
      previousBound = bound;
      previousCount = bucket.value;
    }
    const last = buckets.at(-1);
    if (last === undefined || previousBound !== Number.POSITIVE_INFINITY) {
      throw new PrometheusTextParseError(count.line, `${name} has no le="+Inf" bucket`);
    }
    if (last.value !== count.value) {
      throw new PrometheusTextParseError(
        count.line,
        `${name}_count is ${count.value} but the +Inf bucket holds ${last.value}`,
      );
    }
  }
}

function checkSummary(family: MetricFamily): void {
  const { name } = family;
  for (const sample of family.samples) expectName(sample, [name, `${name}_sum`, `${name}_count`]);
  for (const group of groupByChild(family.samples, 'quantile').values()) {
    single(group, `${name}_sum`);
    const count = single(group, `${name}_count`);
    if (!(count.value >= 0))
      throw new PrometheusTextParseError(count.line, `${name}_count is ${count.value}`);
    for (const sample of group.filter((member) => member.name === name)) {
      const quantile = Number(sample.labels.quantile);
      if (sample.labels.quantile === undefined || !(quantile >= 0 && quantile <= 1)) {
        throw new PrometheusTextParseError(sample.line, `${name} sample needs a quantile label in [0, 1]`);
      }
    }
  }
}

function single(group: ParsedSample[], sampleName: string): ParsedSample {
  const matches = group.filter((sample) => sample.name === sampleName);
  const first = matches[0];
  const line = group[0]?.line ?? 0;
  if (first === undefined) throw new PrometheusTextParseError(line, `missing ${sampleName} for a series`);
  return first;
}

function expectName(sample: ParsedSample, allowed: string[]): void {
  if (!allowed.includes(sample.name)) {
    throw new PrometheusTextParseError(sample.line, `${sample.name} does not belong to family ${allowed[0]}`);
  }
}

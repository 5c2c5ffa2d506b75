// A strict parser of the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/), used by tests here and in the
// server to prove /metrics is well-formed without promtool. Strict means: anything Prometheus
// would reject or silently mangle is an error with its line number; family-level consistency
// (histogram buckets, summary parts) is checked in prometheus-text-checks.ts.
import { checkFamily } from './prometheus-text-checks.js';
import {
  type MetricFamily,
  type MetricType,
  type ParsedSample,
  PrometheusTextParseError,
} from './prometheus-text-types.js';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
// The forms Go's strconv.ParseFloat reads (Prometheus parses values with it), without hex floats:
// inf, infinity and nan in any case; prom-client writes "Nan" for an unsampled event-loop lag.
const FLOAT = /^(?:[+-]?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|inf|infinity)|nan)$/i;
const TIMESTAMP = /^-?\d+$/;

/** Parses a whole exposition; throws PrometheusTextParseError at the first problem. */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  if (text.length > 0 && !text.endsWith('\n'))
    throw new PrometheusTextParseError(lineCount(text), 'the last line must end with a line feed');
  const families = new Map<string, MetricFamily>();
  const seenSeries = new Set<string>();
  let current: MetricFamily | undefined;
  const lines = text.split('\n');
  lines.pop(); // the empty string after the final line feed

  const familyFor = (name: string, line: number): MetricFamily => {
    let family = families.get(name);
    if (family === undefined) {
      family = { name, type: 'untyped', samples: [] };
      families.set(name, family);
    } else if (family !== current) {
      throw new PrometheusTextParseError(line, `metric ${name} appears again after another family`);
    }
    current = family;
    return family;
  };

  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    if (raw.startsWith('#')) {
      const [, keyword, name, rest] = /^#[ \t]+(\S+)(?:[ \t]+(\S+))?(?:[ \t]+(.*))?$/.exec(raw) ?? [];
      if (keyword !== 'HELP' && keyword !== 'TYPE') return; // a plain comment
      if (name === undefined || !METRIC_NAME.test(name))
        throw new PrometheusTextParseError(line, `# ${keyword} without a valid metric name`);
      const family = familyFor(name, line);
      if (keyword === 'HELP') {
        if (family.help !== undefined) throw new PrometheusTextParseError(line, `second HELP for ${name}`);
        family.help = unescapeText(rest ?? '', line, false);
      } else {
        if (family.samples.length > 0)
          throw new PrometheusTextParseError(line, `TYPE for ${name} after its samples`);
        if (family.type !== 'untyped' || rest === undefined || !METRIC_TYPES.has(rest.trim())) {
          throw new PrometheusTextParseError(line, `bad or second TYPE for ${name}: ${rest ?? ''}`);
        }
        family.type = rest.trim() as MetricType;
      }
      return;
    }
    const sample = parseSampleLine(raw, line);
    const family = familyFor(familyNameOf(sample.name, families), line);
    const seriesKey = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seenSeries.has(seriesKey))
      throw new PrometheusTextParseError(line, `duplicate series ${sample.name}`);
    seenSeries.add(seriesKey);
    family.samples.push(sample);
  });

  for (const family of families.values()) checkFamily(family);
  return families;
}

/** `x_bucket`, `x_sum`, `x_count` belong to family `x` when `x` is a declared histogram or summary. */
function familyNameOf(sampleName: string, families: Map<string, MetricFamily>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sampleName.endsWith(suffix)) continue;
    const base = families.get(sampleName.slice(0, -suffix.length));
    if (base?.type === 'histogram' || (base?.type === 'summary' && suffix !== '_bucket')) return base.name;
  }
  return sampleName;
}

export function parseSampleLine(raw: string, line: number): ParsedSample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(raw);
  if (nameMatch === null) throw new PrometheusTextParseError(line, 'a sample must start with a metric name');
  const name = nameMatch[0];
  let position = name.length;
  const labels: Record<string, string> = {};
  if (raw[position] === '{') {
    position += 1;
    for (;;) {
      position = skipBlanks(raw, position);
      if (raw[position] === '}') break;
      const labelMatch = /^[^=\s{}]*/.exec(raw.slice(position));
      const labelName = labelMatch?.[0] ?? '';
      if (!LABEL_NAME.test(labelName) || labelName.startsWith('__'))
        throw new PrometheusTextParseError(line, `invalid label name "${labelName}"`);
      if (Object.hasOwn(labels, labelName))
        throw new PrometheusTextParseError(line, `label ${labelName} given twice`);
      position = skipBlanks(raw, position + labelName.length);
      if (raw[position] !== '=' || raw[skipBlanks(raw, position + 1)] !== '"')
        throw new PrometheusTextParseError(line, `expected ="..." after ${labelName}`);
      position = skipBlanks(raw, position + 1) + 1;
      const end = closingQuote(raw, position, line);
      labels[labelName] = unescapeText(raw.slice(position, end), line, true);
      position = skipBlanks(raw, end + 1);
      if (raw[position] === ',') position += 1;
      else if (raw[position] !== '}')
        throw new PrometheusTextParseError(line, 'expected "," or "}" after a label');
    }
    position += 1;
  }
  const fields = raw
    .slice(position)
    .trim()
    .split(/[ \t]+/);
  if (raw[position] !== ' ' && raw[position] !== '\t')
    throw new PrometheusTextParseError(line, 'expected a blank before the value');
  const [valueText, timestampText, extra] = fields;
  if (valueText === undefined || !FLOAT.test(valueText))
    throw new PrometheusTextParseError(line, `invalid value "${valueText ?? ''}"`);
  if (extra !== undefined || (timestampText !== undefined && !TIMESTAMP.test(timestampText))) {
    throw new PrometheusTextParseError(
      line,
      'trailing text after the value (only an integer timestamp may follow)',
    );
  }
  const sample: ParsedSample = { name, labels, value: parseFloatValue(valueText), line };
  if (timestampText !== undefined) sample.timestampMs = Number(timestampText);
  return sample;
}

function parseFloatValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower.endsWith('inf') || lower.endsWith('infinity'))
    return lower.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (lower === 'nan') return Number.NaN;
  return Number(text);
}

/** Label values escape `\\`, `\"` and `\n`; HELP text escapes `\\` and `\n`. Any other escape is an error. */
function unescapeText(text: string, line: number, isLabelValue: boolean): string {
  return text.replace(/\\(.?)/g, (_, next: string) => {
    if (next === '\\') return '\\';
    if (next === 'n') return '\n';
    if (next === '"' && isLabelValue) return '"';
    throw new PrometheusTextParseError(line, `invalid escape \\${next}`);
  });
}

function closingQuote(raw: string, start: number, line: number): number {
  for (let position = start; position < raw.length; position += 1) {
    if (raw[position] === '\\') position += 1;
    else if (raw[position] === '"') return position;
  }
  throw new PrometheusTextParseError(line, 'unterminated label value');
}

function skipBlanks(raw: string, position: number): number {
  let next = position;
  while (raw[next] === ' ' || raw[next] === '\t') next += 1;
  return next;
}

function lineCount(text: string): number {
  return text.split('\n').length;
}

/**
 * The value of the sample named `sampleName` whose labels include all of `labels`, or undefined.
 * For assertions: `findSampleValue(parsed, 'zot_gc_deleted_total', { type: 'blob' })`.
 */
export function findSampleValue(
  families: Map<string, MetricFamily>,
  sampleName: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name !== sampleName) continue;
      if (Object.entries(labels).every(([name, value]) => sample.labels[name] === value)) return sample.value;
    }
  }
  return undefined;
}

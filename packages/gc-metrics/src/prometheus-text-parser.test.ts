import { describe, expect, it } from 'vitest';
import { findSampleValue, parsePrometheusText } from './prometheus-text-parser.js';
import { PrometheusTextParseError } from './prometheus-text-types.js';

const histogram = (buckets: string, count = '3') => `# HELP h_seconds A histogram
# TYPE h_seconds histogram
${buckets}h_seconds_sum{m="GET"} 1.5
h_seconds_count{m="GET"} ${count}
`;
const goodBuckets =
  'h_seconds_bucket{le="0.1",m="GET"} 1\nh_seconds_bucket{le="1",m="GET"} 2\nh_seconds_bucket{le="+Inf",m="GET"} 3\n';

function parseError(text: string): PrometheusTextParseError {
  try {
    parsePrometheusText(text);
  } catch (error) {
    if (error instanceof PrometheusTextParseError) return error;
    throw error;
  }
  throw new Error('expected a parse error');
}

describe('parsePrometheusText', () => {
  it('reads families, help, types, labels, values and timestamps', () => {
    const families = parsePrometheusText(
      '# a plain comment\n# HELP c_total Counts \\\\ things\\nover lines\n# TYPE c_total counter\n' +
        'c_total{a="x",b="y",} 3 1700000000000\n\n# TYPE g gauge\ng -Inf\ng{k="v"} NaN\nu 1e3\n',
    );
    expect(families.get('c_total')).toMatchObject({ type: 'counter', help: 'Counts \\ things\nover lines' });
    expect(families.get('c_total')?.samples[0]).toMatchObject({
      labels: { a: 'x', b: 'y' },
      value: 3,
      timestampMs: 1700000000000,
    });
    expect(findSampleValue(families, 'g', {})).toBe(Number.NEGATIVE_INFINITY);
    expect(findSampleValue(families, 'g', { k: 'v' })).toBeNaN();
    expect(families.get('u')).toMatchObject({ type: 'untyped', samples: [{ value: 1000 }] });
  });

  it('reads the special floats in any case, as Go strconv.ParseFloat does (prom-client writes "Nan")', () => {
    const families = parsePrometheusText('a Nan\nb +Inf\nc -infinity\nd 1E-3\n');
    expect(findSampleValue(families, 'a')).toBeNaN();
    expect(findSampleValue(families, 'b')).toBe(Number.POSITIVE_INFINITY);
    expect(findSampleValue(families, 'c')).toBe(Number.NEGATIVE_INFINITY);
    expect(findSampleValue(families, 'd')).toBe(0.001);
  });

  it('unescapes backslash, quote and newline in label values', () => {
    const families = parsePrometheusText('x{v="a\\"b\\\\c\\nd"} 1\n');
    expect(families.get('x')?.samples[0]?.labels.v).toBe('a"b\\c\nd');
  });

  it('accepts a consistent histogram and groups its series under one family', () => {
    const families = parsePrometheusText(histogram(goodBuckets));
    expect(families.get('h_seconds')?.samples).toHaveLength(5);
  });

  it.each([
    ['a value that is not a number', 'x 1,5\n', 'invalid value'],
    ['a missing final line feed', 'x 1', 'line feed'],
    ['an unknown escape in a label value', 'x{v="a\\tb"} 1\n', 'invalid escape'],
    ['an unterminated label value', 'x{v="abc} 1\n', 'unterminated'],
    ['a reserved label name', 'x{__name__="y"} 1\n', 'invalid label name'],
    ['a label given twice', 'x{a="1",a="2"} 1\n', 'twice'],
    ['a duplicate series', 'x{a="1"} 1\nx{a="1"} 2\n', 'duplicate'],
    ['a second TYPE line', '# TYPE x gauge\n# TYPE x gauge\nx 1\n', 'TYPE'],
    ['a TYPE after samples', 'x 1\n# TYPE x gauge\n', 'TYPE'],
    ['an unknown type', '# TYPE x widget\nx 1\n', 'TYPE'],
    ['a family split by another', 'x 1\ny 1\nx{a="b"} 2\n', 'appears again'],
    ['a negative counter', '# TYPE c counter\nc -1\n', 'counter'],
    ['a trailing word after the value', 'x 1 2 3\n', 'trailing'],
    ['a sample with no value', 'x{a="b"}\n', 'value'],
  ])('rejects %s', (_, text, reason) => {
    expect(parseError(text).reason).toContain(reason);
  });

  it.each([
    [
      'buckets that decrease',
      'h_seconds_bucket{le="0.1",m="GET"} 2\nh_seconds_bucket{le="+Inf",m="GET"} 1\n',
      '1',
      'less than',
    ],
    ['no +Inf bucket', 'h_seconds_bucket{le="0.1",m="GET"} 3\n', '3', '+Inf'],
    ['a count that differs from +Inf', goodBuckets, '4', '_count'],
    [
      'bounds out of order',
      'h_seconds_bucket{le="1",m="GET"} 1\nh_seconds_bucket{le="0.1",m="GET"} 2\nh_seconds_bucket{le="+Inf",m="GET"} 3\n',
      '3',
      'above',
    ],
  ])('rejects a histogram with %s', (_, buckets, count, reason) => {
    expect(parseError(histogram(buckets, count)).reason).toContain(reason);
  });

  it('rejects a summary without _count and a quantile outside [0, 1]', () => {
    expect(parseError('# TYPE s summary\ns_sum 1\n').reason).toContain('s_count');
    expect(parseError('# TYPE s summary\ns{quantile="2"} 1\ns_sum 1\ns_count 1\n').reason).toContain(
      'quantile',
    );
  });

  it('reports the line of the problem', () => {
    expect(parseError('ok 1\nok2 1\nbad value\n').line).toBe(3);
  });
});

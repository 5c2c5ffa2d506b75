import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coalesce, parseRangeHeader, parseUploadContentRange, uploadRangeHeader } from './range.js';

describe('parseRangeHeader', () => {
  it('answers whole without a header or with another unit', () => {
    expect(parseRangeHeader(undefined, 10)).toEqual({ kind: 'whole' });
    expect(parseRangeHeader('items=0-1', 10)).toEqual({ kind: 'whole' });
  });
  it('ignores syntactically invalid ranges, as RFC 9110 says', () => {
    expect(parseRangeHeader('bytes=5-2', 10)).toEqual({ kind: 'whole' });
    expect(parseRangeHeader('bytes=a-b', 10)).toEqual({ kind: 'whole' });
    expect(parseRangeHeader('bytes=-', 10)).toEqual({ kind: 'whole' });
  });
  it('parses a closed, an open and a suffix range', () => {
    expect(parseRangeHeader('bytes=2-4', 10)).toEqual({ kind: 'ranges', ranges: [{ start: 2, end: 4 }] });
    expect(parseRangeHeader('bytes=7-', 10)).toEqual({ kind: 'ranges', ranges: [{ start: 7, end: 9 }] });
    expect(parseRangeHeader('bytes=-3', 10)).toEqual({ kind: 'ranges', ranges: [{ start: 7, end: 9 }] });
    expect(parseRangeHeader('bytes=-30', 10)).toEqual({ kind: 'ranges', ranges: [{ start: 0, end: 9 }] });
  });
  it('clamps the end to the blob and drops ranges past the end', () => {
    expect(parseRangeHeader('bytes=5-100, 50-60', 10)).toEqual({
      kind: 'ranges',
      ranges: [{ start: 5, end: 9 }],
    });
  });
  it('is unsatisfiable when no range overlaps the blob', () => {
    expect(parseRangeHeader('bytes=10-20', 10)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRangeHeader('bytes=0-0', 0)).toEqual({ kind: 'unsatisfiable' });
  });
  it('is unsatisfiable with more than 16 ranges', () => {
    const many = Array.from({ length: 17 }, (_, i) => `${i * 2}-${i * 2}`).join(',');
    expect(parseRangeHeader(`bytes=${many}`, 100)).toEqual({ kind: 'unsatisfiable' });
  });
  it('sorts and coalesces overlapping and adjacent ranges', () => {
    expect(parseRangeHeader('bytes=8-9, 0-1, 2-3, 1-2', 10)).toEqual({
      kind: 'ranges',
      ranges: [
        { start: 0, end: 3 },
        { start: 8, end: 9 },
      ],
    });
  });
  it('always yields sorted, disjoint ranges inside the blob (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.tuple(fc.nat(1200), fc.nat(1200)), { minLength: 1, maxLength: 16 }),
        (size, pairs) => {
          const header = `bytes=${pairs.map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`).join(',')}`;
          const result = parseRangeHeader(header, size);
          if (result.kind !== 'ranges')
            return result.kind === 'unsatisfiable' && pairs.every(([a, b]) => Math.min(a, b) >= size);
          return result.ranges.every(
            (r, i) =>
              r.start <= r.end &&
              r.end < size &&
              (i === 0 || r.start > (result.ranges[i - 1]?.end ?? -1) + 1),
          );
        },
      ),
    );
  });
});

describe('coalesce', () => {
  it('keeps disjoint ranges apart', () => {
    expect(
      coalesce([
        { start: 5, end: 6 },
        { start: 0, end: 1 },
      ]),
    ).toEqual([
      { start: 0, end: 1 },
      { start: 5, end: 6 },
    ]);
  });
});

describe('parseUploadContentRange', () => {
  it('accepts the spec form and the Docker forms', () => {
    expect(parseUploadContentRange('0-99')).toEqual({ start: 0, end: 99 });
    expect(parseUploadContentRange('bytes 100-199/*')).toEqual({ start: 100, end: 199 });
    expect(parseUploadContentRange('bytes=5-9')).toEqual({ start: 5, end: 9 });
  });
  it('is undefined when absent and invalid when malformed or reversed', () => {
    expect(parseUploadContentRange(undefined)).toBeUndefined();
    expect(parseUploadContentRange('x')).toBe('invalid');
    expect(parseUploadContentRange('9-5')).toBe('invalid');
  });
});

describe('uploadRangeHeader', () => {
  it('names the last byte received, 0-0 when nothing arrived', () => {
    expect(uploadRangeHeader(0)).toBe('0-0');
    expect(uploadRangeHeader(100)).toBe('0-99');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['168h', 604_800_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['0', 0],
    ['-2m', -120_000],
    ['1500us', 1.5],
    ['2µs', 0.002],
  ])('reads %s as %d ms', (text, milliseconds) => {
    expect(parseDuration(text)).toBeCloseTo(milliseconds, 9);
  });

  it.each(['', '5', '7d', '1h 30m', '5 minutes', 'h', '1.h.5'])(
    'rejects %j, which Go rejects too',
    (text) => {
      expect(() => parseDuration(text)).toThrow(/is not a Go duration/);
    },
  );

  it('adds up any sequence of hour, minute and second groups', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(59), fc.nat(59), (hours, minutes, seconds) => {
        expect(parseDuration(`${hours}h${minutes}m${seconds}s`)).toBe(
          ((hours * 60 + minutes) * 60 + seconds) * 1000,
        );
      }),
    );
  });
});

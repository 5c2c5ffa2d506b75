// Go-style durations, as zot reads them through mapstructure's StringToTimeDurationHookFunc, which calls
// Go's time.ParseDuration: a sign, then one or more <decimal><unit> groups ("90s", "1h30m", "1.5h", "500ms"),
// or the bare "0". Units: ns, us, µs (U+00B5), μs (U+03BC), ms, s, m, h. Days are not a Go unit.

/** The JSON Schema `pattern` for a Go duration string; kept next to the parser so both agree. */
export const DURATION_PATTERN = '^[-+]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$';

const unitInMilliseconds: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const durationPattern = new RegExp(DURATION_PATTERN, 'u');
const groupPattern = /([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)/gu;

/**
 * Parses a Go duration string into milliseconds (fractions kept for sub-millisecond units).
 * Throws a RangeError naming the input when it is not a Go duration.
 */
export function parseDuration(text: string): number {
  if (!durationPattern.test(text)) {
    throw new RangeError(`"${text}" is not a Go duration (for example "90s", "1h30m", "500ms")`);
  }
  const sign = text.startsWith('-') ? -1 : 1;
  let total = 0;
  for (const match of text.matchAll(groupPattern)) {
    const [, amount, unit] = match;
    total += Number(amount) * (unitInMilliseconds[unit ?? ''] ?? Number.NaN);
  }
  // -0 would surprise callers comparing with ===
  return total === 0 ? 0 : sign * total;
}

/** True when the text parses as a Go duration. */
export function isDuration(text: string): boolean {
  return durationPattern.test(text);
}

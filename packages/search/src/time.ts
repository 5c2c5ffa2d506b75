// zot's `Time` scalar is gqlgen's: Go's time.Time in RFC 3339 with nanoseconds, trailing zeros of the fraction
// dropped ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00.5Z"). A time zot never set is Go's zero time, which it
// sends as "0001-01-01T00:00:00Z" rather than null, and clients (zot's UI) expect that.

export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** RFC 3339 as Go's time.RFC3339Nano prints a UTC time; undefined or invalid dates give the zero time. */
export function formatTime(date: Date | undefined): string {
  if (date === undefined) return ZERO_TIME;
  const ms = date.getTime();
  if (Number.isNaN(ms)) return ZERO_TIME;
  const iso = date.toISOString(); // 2024-05-01T10:00:00.500Z
  return iso.replace(/\.(\d*?)0*Z$/, (_match, digits: string) => (digits === '' ? 'Z' : `.${digits}Z`));
}

/** A time from a JSON value (config `created`, history, annotations): undefined unless a real RFC 3339 time. */
export function parseTime(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  // Go's time.Parse(time.RFC3339) wants a date, a time and a zone
  if (!/^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() <= 1) return undefined;
  return date;
}

/** Milliseconds for sorting: the zero time (and undefined) is 0, the oldest. */
export const timeMs = (date: Date | undefined): number => (date === undefined ? 0 : date.getTime());

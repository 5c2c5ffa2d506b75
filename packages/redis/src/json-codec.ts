// Records as JSON strings in Redis, with Dates kept as Dates. A Date is written as a string tagged with a NUL
// prefix (`"\u0000D:2025-01-01T00:00:00.000Z"`); on read only strings with that exact shape become Dates again, so
// nothing a client sends (labels, names) is mistaken for one unless it embeds a NUL and a full ISO time.
const DATE_TAG = '\u0000D:';
const TAGGED_DATE = new RegExp(`^${DATE_TAG}\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$`);

export function encodeRecord(value: unknown): string {
  return JSON.stringify(value, function replaceDates(this: Record<string, unknown>, key, replaced) {
    // JSON.stringify has already called Date.toJSON: the holder still has the Date itself
    const original = this[key];
    return original instanceof Date ? `${DATE_TAG}${original.toISOString()}` : replaced;
  });
}

export function decodeRecord<T>(text: string): T {
  return JSON.parse(text, (_key, value) =>
    typeof value === 'string' && TAGGED_DATE.test(value) ? new Date(value.slice(DATE_TAG.length)) : value,
  ) as T;
}

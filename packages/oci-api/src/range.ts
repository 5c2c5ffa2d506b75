// HTTP Range for blob GET (RFC 9110 section 14) and Content-Range for chunked upload PATCH (distribution-spec).
import type { ByteRange } from './store-contract.js';

export type RangeRequest =
  /** No Range header, or one we must ignore (RFC 9110: a syntactically invalid Range is ignored). */
  | { kind: 'whole' }
  /** Sorted, coalesced, non-empty, every range inside the blob. */
  | { kind: 'ranges'; ranges: ByteRange[] }
  /** Syntactically valid, but no range overlaps the blob, or too many ranges: 416 with `bytes *\/size`. */
  | { kind: 'unsatisfiable' };

/** More ranges than this in one request is treated as unsatisfiable (a guard against many-tiny-ranges abuse). */
export const maxRangesPerRequest = 16;

const rangeSpecPattern = /^(\d*)-(\d*)$/;

/**
 * Parses `Range: bytes=a-b, c-, -n` against a blob of `size` bytes. Ranges past the end are clamped, ranges wholly
 * outside are dropped (RFC 9110 14.1.1), the rest sorted and merged when they overlap or touch (RFC 9110 14.6
 * allows coalescing; it keeps multipart answers small and lets a client not ask for bytes twice).
 */
export function parseRangeHeader(
  header: string | undefined,
  size: number,
  maxRanges = maxRangesPerRequest,
): RangeRequest {
  if (header === undefined) return { kind: 'whole' };
  const trimmed = header.trim();
  if (!/^bytes=/i.test(trimmed)) return { kind: 'whole' };
  const specs = trimmed
    .slice(6)
    .split(',')
    .map((s) => s.trim());
  if (specs.length === 0 || specs.some((s) => s === '')) return { kind: 'whole' };
  const satisfiable: ByteRange[] = [];
  for (const spec of specs) {
    const match = rangeSpecPattern.exec(spec);
    if (match === null) return { kind: 'whole' };
    const [, first = '', last = ''] = match;
    if (first === '' && last === '') return { kind: 'whole' };
    if (first === '') {
      // suffix range: the last N bytes
      const suffixLength = Number(last);
      if (suffixLength === 0 || size === 0) continue;
      satisfiable.push({ start: Math.max(0, size - suffixLength), end: size - 1 });
      continue;
    }
    const start = Number(first);
    const end = last === '' ? size - 1 : Number(last);
    if (last !== '' && end < start) return { kind: 'whole' };
    if (start >= size) continue;
    satisfiable.push({ start, end: Math.min(end, size - 1) });
  }
  if (specs.length > maxRanges || satisfiable.length === 0) return { kind: 'unsatisfiable' };
  return { kind: 'ranges', ranges: coalesce(satisfiable) };
}

export function coalesce(ranges: ByteRange[]): ByteRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: ByteRange[] = [];
  for (const range of sorted) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && range.start <= previous.end + 1)
      previous.end = Math.max(previous.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/**
 * Parses the Content-Range of an upload PATCH. The spec's form is `<start>-<end>` (inclusive, no unit); Docker
 * clients also send `bytes <start>-<end>` or `bytes=<start>-<end>`, which we accept. Returns undefined when absent;
 * throws nothing: a malformed value yields `invalid`, which the route answers with 416.
 */
export function parseUploadContentRange(header: string | undefined): ByteRange | 'invalid' | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^(?:bytes[ =])?\s*(\d+)-(\d+)(?:\/(?:\d+|\*))?$/i.exec(header.trim());
  if (match === null) return 'invalid';
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (end < start) return 'invalid';
  return { start, end };
}

/** `0-<last byte>` as the spec's Range response header for an upload; `0-0` for an empty upload, as zot answers. */
export function uploadRangeHeader(offset: number): string {
  return `0-${offset > 0 ? offset - 1 : 0}`;
}

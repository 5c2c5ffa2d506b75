// Byte ranges. Pulls use the HTTP Range header (RFC 9110 section 14.1.2, one range only);
// chunked uploads use the distribution-spec Content-Range form `<start>-<end>` (inclusive, no unit).
import { OciError } from './errors.js';
import type { ByteRange } from './store-types.js';

const rangeHeaderPattern = /^bytes=(\d*)-(\d*)$/;
const contentRangePattern = /^(?:bytes )?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/;

function unsatisfiable(header: string, size: number): OciError {
  return new OciError('RANGE_INVALID', { detail: { range: header.slice(0, 100), size } });
}

/** Resolves a `Range: bytes=a-b | a- | -n` header against a blob of `size` bytes; RANGE_INVALID when unsatisfiable. */
export function parseRangeHeader(header: string, size: number): ByteRange {
  const match = rangeHeaderPattern.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) throw unsatisfiable(header, size);
  const [, first = '', last = ''] = match;
  if (first === '') {
    // suffix range: the last n bytes
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw unsatisfiable(header, size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || (last !== '' && Number(last) < start)) {
    throw unsatisfiable(header, size);
  }
  return { start, end };
}

/** Parses an upload chunk's Content-Range; RANGE_INVALID when malformed or end < start. */
export function parseContentRange(header: string): ByteRange {
  const match = contentRangePattern.exec(header.trim());
  const start = Number(match?.[1]);
  const end = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) {
    throw new OciError('RANGE_INVALID', { detail: { contentRange: header.slice(0, 100) } });
  }
  return { start, end };
}

/** Checks an inclusive range against a size; RANGE_INVALID when outside. */
export function assertRangeWithin(range: ByteRange, size: number): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end >= size) {
    throw new OciError('RANGE_INVALID', { detail: { start, end, size } });
  }
}

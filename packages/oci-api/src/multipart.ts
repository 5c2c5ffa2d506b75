// multipart/byteranges bodies (RFC 9110 section 14.6) with an exact Content-Length computed up front,
// so a client sees the total size before the first byte and the body streams part by part.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ByteRange } from './store-contract.js';

export interface MultipartPlan {
  boundary: string;
  contentType: string;
  contentLength: number;
  /** Bytes written before each part's data, in the order of `ranges`. */
  partHeaders: Buffer[];
  closing: Buffer;
  ranges: ByteRange[];
}

export function planMultipart(ranges: ByteRange[], size: number, partContentType: string): MultipartPlan {
  const boundary = randomBytes(12).toString('hex');
  const partHeaders = ranges.map((range, index) =>
    Buffer.from(
      `${index === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${partContentType}\r\nContent-Range: bytes ${range.start}-${range.end}/${size}\r\n\r\n`,
      'latin1',
    ),
  );
  const closing = Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1');
  const dataLength = ranges.reduce((sum, range) => sum + (range.end - range.start + 1), 0);
  const headerLength = partHeaders.reduce((sum, header) => sum + header.length, 0);
  return {
    boundary,
    contentType: `multipart/byteranges; boundary=${boundary}`,
    contentLength: headerLength + dataLength + closing.length,
    partHeaders,
    closing,
    ranges,
  };
}

/** Yields the multipart body, opening each range's stream only when its turn comes. */
export async function* multipartBody(
  plan: MultipartPlan,
  openRange: (range: ByteRange) => Promise<Readable>,
): AsyncGenerator<Uint8Array> {
  for (const [index, range] of plan.ranges.entries()) {
    const header = plan.partHeaders[index];
    if (header !== undefined) yield header;
    const stream = await openRange(range);
    for await (const chunk of stream) yield chunk as Uint8Array;
  }
  yield plan.closing;
}

// Server-side copies of large objects: the byte ranges of UploadPartCopy parts, and the CopySource header.
import { MIN_PART_SIZE } from './options.js';

/**
 * Inclusive byte ranges of `partSize` covering `size` bytes, the last merged into the one before when it
 * would fall under S3's 5 MiB minimum (only a multipart upload's last part may be smaller, and the caller
 * may send more parts after these). `partSize` must leave room for that merge under the 5 GiB part limit.
 */
export function copyRanges(size: number, partSize: number): Array<{ start: number; end: number }> {
  const ranges: Array<{ start: number; end: number }> = [];
  for (let start = 0; start < size; start += partSize) {
    ranges.push({ start, end: Math.min(start + partSize, size) - 1 });
  }
  const last = ranges[ranges.length - 1];
  const beforeLast = ranges[ranges.length - 2];
  if (last !== undefined && beforeLast !== undefined && last.end - last.start + 1 < MIN_PART_SIZE) {
    beforeLast.end = last.end;
    ranges.pop();
  }
  return ranges;
}

/** `bucket/key` for x-amz-copy-source, URL-encoded but for the slashes (as RGW and AWS expect). */
export function copySourceOf(bucket: string, key: string): string {
  return `${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;
}

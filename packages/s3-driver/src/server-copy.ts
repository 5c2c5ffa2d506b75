// Server-side copies: one CopyObject up to 5 GiB, UploadPartCopy parts beyond; the byte ranges of those parts,
// and the CopySource header.
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { MIN_PART_SIZE } from './options.js';

export interface CopyContext {
  client: S3Client;
  bucket: string;
  objectParameters: Record<string, string>;
  copyPartSize: number;
  maxSingleCopy: number;
}

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

/** Copies `sourceKey` (of `size` bytes, at version `etag`) to `destinationKey` inside the engine. */
export async function copyObject(
  context: CopyContext,
  copy: { sourceKey: string; destinationKey: string; size: number; etag: string },
): Promise<void> {
  const { client, bucket: Bucket, objectParameters } = context;
  const { sourceKey, destinationKey, size, etag } = copy;
  const CopySource = copySourceOf(Bucket, sourceKey);
  if (size <= context.maxSingleCopy) {
    await client.send(
      new CopyObjectCommand({
        Bucket,
        Key: destinationKey,
        CopySource,
        CopySourceIfMatch: etag,
        ...objectParameters,
      }),
    );
    return;
  }
  const created = await client.send(
    new CreateMultipartUploadCommand({ Bucket, Key: destinationKey, ...objectParameters }),
  );
  const UploadId = created.UploadId;
  const parts: CompletedPart[] = [];
  try {
    for (const range of copyRanges(size, context.copyPartSize)) {
      const PartNumber = parts.length + 1;
      const part = await client.send(
        new UploadPartCopyCommand({
          Bucket,
          Key: destinationKey,
          UploadId,
          PartNumber,
          CopySource,
          CopySourceRange: `bytes=${range.start}-${range.end}`,
          CopySourceIfMatch: etag,
        }),
      );
      parts.push({ PartNumber, ETag: part.CopyPartResult?.ETag });
    }
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: destinationKey,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (error) {
    await client
      .send(new AbortMultipartUploadCommand({ Bucket, Key: destinationKey, UploadId }))
      .catch(() => {});
    throw error;
  }
}

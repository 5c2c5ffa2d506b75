// A DriverWriter over S3, where objects cannot be appended to. Each writer builds the object's next
// version and replaces it in one atomic step (PutObject, or CompleteMultipartUpload), so readers and other
// instances see the old bytes or the new ones, never a torn file, and a crash leaves the old version.
//
// Why this design (and not distribution's open multipart upload per upload path): the store's upload
// sessions hand over between requests, processes and instances through nothing but the object at the
// upload path (upload-store.ts stats it for the offset and re-hashes it on a process that has no hash
// state). Keeping every PATCH's result as a plain object makes that state visible to any instance with
// one HEAD, and a PATCH that fails or dies half way leaves the previous object untouched (an aborted
// multipart upload is invisible). Appending costs:
// - old object < 5 MiB (small chunked PATCHes): its bytes are read back (at most 5 MiB) and sent again
//   ahead of the new ones, because S3 refuses parts under 5 MiB except the last;
// - old object >= 5 MiB: it becomes the first part(s) by UploadPartCopy, a server-side copy: no bytes
//   through the registry, but the engine copies what was there, so a blob sent in many large PATCHes
//   costs O(n^2) engine-side copying. Real clients (skopeo, podman, docker, containerd) send a blob in one
//   streamed PATCH or one PUT, which costs nothing extra.
// Memory: at most one part (partSize, 10 MiB by default) plus one incoming chunk per writer.
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import type { DriverWriter } from '@zot-ts/oci-store';
import { MIN_PART_SIZE } from './options.js';
import { copyRanges, copySourceOf } from './server-copy.js';

export interface S3WriterOptions {
  client: S3Client;
  bucket: string;
  key: string;
  partSize: number;
  copyPartSize: number;
  /** The object being appended to (absent: a new file). */
  existing?: { size: number; etag: string };
  /** Storage class and encryption, for PutObject and CreateMultipartUpload. */
  objectParameters: Record<string, string>;
  /** Moves the committed object to `destinationKey` (the driver's copy + delete). */
  moveTo(destinationPath: string): Promise<void>;
}

export async function createS3Writer(options: S3WriterOptions): Promise<DriverWriter> {
  const { client, bucket: Bucket, key: Key, partSize, existing } = options;
  // One part's worth of bytes, filled in place (a copy per chunk, as the caller may reuse its memory) and
  // reused after each part is sent: a send completes before the next byte is taken, so one buffer per
  // writer is all the memory a blob of any size costs. Allocated on the first byte: most writers of a
  // chunked upload's start or of a small PATCH never need a whole part.
  let pending: Buffer | undefined;
  let pendingBytes = 0;
  const buffer = (): Buffer => {
    pending ??= Buffer.allocUnsafe(partSize);
    return pending;
  };
  let size = existing?.size ?? 0;
  let upload: { uploadId: string; parts: CompletedPart[] } | undefined;
  let appendedBytes = 0;
  let finished = false;

  // a small old object is carried in memory and re-sent; a large one is copied server-side
  const copyExisting = existing !== undefined && existing.size >= MIN_PART_SIZE;
  if (existing !== undefined && existing.size > 0 && !copyExisting) {
    const answer = await client.send(new GetObjectCommand({ Bucket, Key, IfMatch: existing.etag }));
    const bytes = (await answer.Body?.transformToByteArray()) ?? new Uint8Array();
    // < 5 MiB <= partSize: it fits
    buffer().set(bytes, 0);
    pendingBytes = bytes.byteLength;
  }

  async function startUpload(): Promise<{ uploadId: string; parts: CompletedPart[] }> {
    const created = await client.send(
      new CreateMultipartUploadCommand({ Bucket, Key, ...options.objectParameters }),
    );
    if (created.UploadId === undefined) throw new Error(`S3 gave no upload id for ${Key}`);
    const started = { uploadId: created.UploadId, parts: [] as CompletedPart[] };
    upload = started;
    if (copyExisting && existing !== undefined) {
      for (const range of copyRanges(existing.size, options.copyPartSize)) {
        const PartNumber = started.parts.length + 1;
        const copied = await client.send(
          new UploadPartCopyCommand({
            Bucket,
            Key,
            UploadId: started.uploadId,
            PartNumber,
            CopySource: copySourceOf(Bucket, Key),
            CopySourceRange: `bytes=${range.start}-${range.end}`,
            // the version we measured: a concurrent replace fails this append instead of mixing versions
            CopySourceIfMatch: existing.etag,
          }),
        );
        started.parts.push({ PartNumber, ETag: copied.CopyPartResult?.ETag });
      }
    }
    return started;
  }

  /** The bytes gathered so far, for one request; the buffer is refilled only after that request settles. */
  function takePending(): Buffer {
    if (pendingBytes === 0) return Buffer.alloc(0);
    const part = buffer().subarray(0, pendingBytes);
    pendingBytes = 0;
    return part;
  }

  async function sendPart(body: Buffer): Promise<void> {
    const current = upload ?? (await startUpload());
    const PartNumber = current.parts.length + 1;
    const sent = await client.send(
      new UploadPartCommand({ Bucket, Key, UploadId: current.uploadId, PartNumber, Body: body }),
    );
    current.parts.push({ PartNumber, ETag: sent.ETag });
  }

  async function assertUnchanged(etag: string): Promise<void> {
    const now = await client.send(new HeadObjectCommand({ Bucket, Key })).catch(() => undefined);
    if (now?.ETag === etag) return;
    throw Object.assign(new Error(`${Key} changed while it was being appended to`), {
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
  }

  async function abort(): Promise<void> {
    if (upload === undefined) return;
    const { uploadId } = upload;
    upload = undefined;
    await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: uploadId }));
  }

  return {
    get size() {
      return size;
    },
    async write(chunk) {
      if (finished) throw new Error(`writer for ${Key} is closed`);
      size += chunk.byteLength;
      appendedBytes += chunk.byteLength;
      let offset = 0;
      while (offset < chunk.byteLength) {
        const take = Math.min(partSize - pendingBytes, chunk.byteLength - offset);
        buffer().set(chunk.subarray(offset, offset + take), pendingBytes);
        pendingBytes += take;
        offset += take;
        if (pendingBytes === partSize) await sendPart(takePending());
      }
    },
    async commit(destinationPath) {
      if (finished) throw new Error(`writer for ${Key} is closed`);
      finished = true;
      // An append replaces the version it started from, and only that one: a second writer that appended to
      // the same version in the meantime (another instance, no shared lock) makes this commit fail (412)
      // instead of one of the two silently losing its bytes.
      // The ETag goes unquoted: RGW 16.2 compares a PUT's If-Match with the bare ETag (a quoted one always
      // fails with 412), and AWS takes either form.
      const guard = existing === undefined ? {} : { IfMatch: existing.etag.replace(/"/g, '') };
      try {
        if (existing !== undefined && appendedBytes === 0) {
          // nothing appended: the object stands as it was
        } else if (upload === undefined && !copyExisting) {
          // everything fits in one part: a single PUT, atomic on S3
          await client.send(
            new PutObjectCommand({ Bucket, Key, Body: takePending(), ...guard, ...options.objectParameters }),
          );
        } else {
          if (pendingBytes > 0 || upload === undefined) {
            if (upload === undefined) await startUpload();
            // the last part may be smaller than 5 MiB
            if (pendingBytes > 0) await sendPart(takePending());
          }
          const current = upload as unknown as { uploadId: string; parts: CompletedPart[] };
          // RGW 16.2 ignores If-Match on Complete (AWS honours it): check the version just before, which
          // leaves only the instant between the two requests open there
          if (existing !== undefined) await assertUnchanged(existing.etag);
          // Ceph RGW 16.2 answers Complete with an empty ETag: nothing here reads it (stat uses HEAD)
          await client.send(
            new CompleteMultipartUploadCommand({
              Bucket,
              Key,
              UploadId: current.uploadId,
              MultipartUpload: { Parts: current.parts },
              ...guard,
            }),
          );
          upload = undefined;
        }
      } catch (error) {
        await abort().catch(() => undefined);
        throw error;
      }
      if (destinationPath !== undefined) await options.moveTo(destinationPath);
    },
    async cancel() {
      finished = true;
      pending = undefined;
      pendingBytes = 0;
      await abort();
      // an appended file keeps its old version untouched; a new file is removed, as on disk
      if (existing === undefined) await client.send(new DeleteObjectCommand({ Bucket, Key }));
    },
  };
}

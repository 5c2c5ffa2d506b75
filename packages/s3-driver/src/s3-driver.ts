// The StorageDriver on S3: paths are keys under the root prefix, "directories" are key prefixes (a path
// is a directory when any key lies under `path/`). Reads are ranged GETs streamed to the caller, listings
// are paged ListObjectsV2, a move is a server-side copy then a delete of the source, a tree delete is
// batched DeleteObjects. No hard links on S3 (canLink false): dedupe is done above the driver.
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  assertRelativePath,
  type DriverEntry,
  DriverNotFoundError,
  type DriverStat,
  type StorageDriver,
} from '@zot-ts/oci-store';
import { createS3Client, isNotFound } from './client.js';
import { MAX_SINGLE_COPY, type S3DriverOptions } from './options.js';
import { createS3Writer } from './s3-writer.js';
import { copyObject, copySourceOf } from './server-copy.js';

export interface S3Driver extends StorageDriver {
  /** The SDK client, for callers that need one more request (tests, the benchmark). */
  readonly client: S3Client;
  /** Closes the client's sockets. */
  destroy(): void;
}

/** DeleteObjects takes at most 1000 keys per request. */
const DELETE_BATCH = 1000;

export function createS3Driver(options: S3DriverOptions): S3Driver {
  const client = createS3Client(options);
  const Bucket = options.bucket;
  const rootPrefix = options.rootDirectory === '' ? '' : `${options.rootDirectory}/`;
  const keyOf = (path: string): string => {
    assertRelativePath(path);
    return `${rootPrefix}${path}`;
  };
  /** The prefix of every key below `path` ('' is the root). */
  const treePrefix = (path: string): string => (path === '' ? rootPrefix : `${keyOf(path)}/`);
  const pathOf = (key: string): string => key.slice(rootPrefix.length);
  const objectParameters: Record<string, string> = {
    ...(options.storageClass === undefined ? {} : { StorageClass: options.storageClass }),
    ...(options.encrypt === undefined
      ? {}
      : options.encrypt.kmsKeyId === undefined
        ? { ServerSideEncryption: 'AES256' }
        : { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: options.encrypt.kmsKeyId }),
  };

  async function head(path: string): Promise<HeadObjectCommandOutput | undefined> {
    try {
      return await client.send(new HeadObjectCommand({ Bucket, Key: keyOf(path) }));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Every key below `prefix`, page by page (1000 per ListObjectsV2 call). */
  async function* keysUnder(prefix: string): AsyncIterable<{ key: string; size: number }> {
    let ContinuationToken: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken }));
      for (const object of page.Contents ?? []) {
        // keys ending in '/' are directory markers other tools leave; they hold no file
        if (object.Key !== undefined && !object.Key.endsWith('/'))
          yield { key: object.Key, size: object.Size ?? 0 };
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken !== undefined);
  }

  async function isDirectory(path: string): Promise<boolean> {
    if (path === '') return true;
    const page = await client.send(
      new ListObjectsV2Command({ Bucket, Prefix: treePrefix(path), MaxKeys: 1 }),
    );
    return (page.KeyCount ?? page.Contents?.length ?? 0) > 0;
  }

  async function list(path: string): Promise<DriverEntry[]> {
    const prefix = treePrefix(path);
    const entries: DriverEntry[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket, Prefix: prefix, Delimiter: '/', ContinuationToken }),
      );
      for (const common of page.CommonPrefixes ?? []) {
        const name = common.Prefix?.slice(prefix.length, -1);
        if (name) entries.push({ name, isDirectory: true });
      }
      for (const object of page.Contents ?? []) {
        const name = object.Key?.slice(prefix.length);
        if (name) entries.push({ name, isDirectory: false });
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken !== undefined);
    return entries;
  }

  async function move(sourcePath: string, destinationPath: string): Promise<void> {
    const maxSingleCopy = options.maxSingleCopy ?? MAX_SINGLE_COPY;
    if (!(await copiedInOneRequest(sourcePath, destinationPath, maxSingleCopy))) {
      const source = await head(sourcePath);
      if (source === undefined) throw new DriverNotFoundError(sourcePath);
      await copyObject(
        { client, bucket: Bucket, objectParameters, copyPartSize: options.copyPartSize, maxSingleCopy },
        {
          sourceKey: keyOf(sourcePath),
          destinationKey: keyOf(destinationPath),
          size: source.ContentLength ?? 0,
          etag: source.ETag ?? '*',
        },
      );
    }
    // only once the copy stands: a failure before here leaves the source as it was
    await client.send(new DeleteObjectCommand({ Bucket, Key: keyOf(sourcePath) }));
  }

  /**
   * One CopyObject, without asking the size first: every blob a registry moves is far below S3's 5 GiB
   * single-copy limit, so a push saves a HEAD. False when S3 refuses for size (400), or when a test lowered
   * the limit: the caller then asks the size and copies in parts.
   */
  async function copiedInOneRequest(sourcePath: string, destinationPath: string, maxSingleCopy: number) {
    if (maxSingleCopy < MAX_SINGLE_COPY) return false;
    try {
      await client.send(
        new CopyObjectCommand({
          Bucket,
          Key: keyOf(destinationPath),
          CopySource: copySourceOf(Bucket, keyOf(sourcePath)),
          ...objectParameters,
        }),
      );
      return true;
    } catch (error) {
      if (isNotFound(error)) throw new DriverNotFoundError(sourcePath);
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 400)
        return false;
      throw error;
    }
  }

  async function deleteKeys(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const answer = await client.send(
      new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
    );
    const failed = (answer.Errors ?? []).filter((error) => error.Code !== 'NoSuchKey');
    if (failed.length > 0)
      throw new Error(
        `S3 DeleteObjects failed for ${failed.length} keys: ${failed[0]?.Key} ${failed[0]?.Code}`,
      );
  }

  /** Aborts multipart uploads (writers that died mid-way) of the file `key` or below `prefix`. */
  async function abortUploads(key: string, prefix: string): Promise<void> {
    const answer = await client.send(new ListMultipartUploadsCommand({ Bucket, Prefix: key }));
    for (const upload of answer.Uploads ?? []) {
      if (upload.Key !== key && !upload.Key?.startsWith(prefix)) continue;
      await client
        .send(new AbortMultipartUploadCommand({ Bucket, Key: upload.Key, UploadId: upload.UploadId }))
        .catch(() => undefined);
    }
  }

  return {
    name: 's3',
    canLink: false,
    client,
    destroy: () => client.destroy(),
    async stat(path): Promise<DriverStat | undefined> {
      if (path !== '') {
        const found = await head(path);
        if (found !== undefined) {
          const size = found.ContentLength ?? 0;
          const modifiedAt = found.LastModified ?? new Date(0);
          // the ETag is the bytes' MD5 (or MD5 of parts): a rewrite with other bytes gets another one
          return {
            size,
            modifiedAt,
            isDirectory: false,
            version: `${found.ETag}:${modifiedAt.getTime()}:${size}`,
          };
        }
      }
      return (await isDirectory(path)) ? { size: 0, modifiedAt: new Date(0), isDirectory: true } : undefined;
    },
    async reader(path, range): Promise<Readable> {
      try {
        const answer = await client.send(
          new GetObjectCommand({
            Bucket,
            Key: keyOf(path),
            ...(range === undefined ? {} : { Range: `bytes=${range.start}-${range.end}` }),
          }),
        );
        // in Node the body is the response's IncomingMessage: streamed, never buffered whole
        return answer.Body as Readable;
      } catch (error) {
        if (isNotFound(error)) throw new DriverNotFoundError(path);
        throw error;
      }
    },
    async getContent(path) {
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket, Key: keyOf(path) }));
        return (await answer.Body?.transformToByteArray()) ?? new Uint8Array();
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async putContent(path, content) {
      // one PUT replaces an object atomically: readers get the old or the new bytes
      const Body = typeof content === 'string' ? Buffer.from(content) : content;
      await client.send(new PutObjectCommand({ Bucket, Key: keyOf(path), Body, ...objectParameters }));
      // the version also holds LastModified, which a PUT does not return: callers stat
      return undefined;
    },
    async writer(path, writerOptions) {
      const key = keyOf(path);
      const existing = writerOptions?.append ? await head(path) : undefined;
      return createS3Writer({
        client,
        bucket: Bucket,
        key,
        partSize: options.partSize,
        copyPartSize: options.copyPartSize,
        ...(existing === undefined
          ? {}
          : { existing: { size: existing.ContentLength ?? 0, etag: existing.ETag ?? '*' } }),
        objectParameters,
        moveTo: (destinationPath) => move(path, destinationPath),
      });
    },
    list,
    move,
    async delete(path) {
      const key = path === '' ? rootPrefix : keyOf(path);
      const prefix = treePrefix(path);
      if (path !== '') await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
      let batch: string[] = [];
      for await (const object of keysUnder(prefix)) {
        batch.push(object.key);
        if (batch.length === DELETE_BATCH) {
          await deleteKeys(batch);
          batch = [];
        }
      }
      await deleteKeys(batch);
      await abortUploads(key, prefix);
    },
    async *walk(path) {
      for await (const object of keysUnder(treePrefix(path)))
        yield { path: pathOf(object.key), size: object.size };
    },
  };
}

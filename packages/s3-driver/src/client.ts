// The S3 client, configured so that Ceph RGW 16.2 and AWS both work (../shared/s3-engine/README.md).
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import type { S3DriverOptions } from './options.js';

export function createS3Client(options: S3DriverOptions): S3Client {
  // keep-alive sockets: a registry makes many small requests (HEADs, index.json) to one endpoint
  const agentOptions = { keepAlive: true, maxSockets: 256 };
  return new S3Client({
    region: options.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    forcePathStyle: options.forcePathStyle,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    // The SDK's default (WHEN_SUPPORTED) sends streamed bodies aws-chunked with a trailing CRC32, which
    // RGW 16.2 refuses (411 MissingContentLength); WHEN_REQUIRED works everywhere. Integrity does not
    // rest on it: every blob is verified against its digest by the store.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent({ ...agentOptions, rejectUnauthorized: !options.skipVerify }),
    },
  });
}

/** True for a missing key (GET: NoSuchKey; HEAD: a bare 404, NotFound). */
export function isNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404;
}

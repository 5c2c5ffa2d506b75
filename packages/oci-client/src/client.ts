// createRegistryClient binds one registry (URL, credentials, TLS, limits) once; every method then names only
// the repository and reference. One keep-alive agent and one concurrency limit per client, i.e. per registry.
import type { Readable } from 'node:stream';
import type { Credentials } from './auth.js';
import { type BlobDownloadOptions, getBlob, headBlob } from './blob-download.js';
import { type BlobSource, type BlobUploadOptions, type BlobUploadOutcome, pushBlob } from './blob-upload.js';
import { type Caller, createCaller } from './caller.js';
import { createTransport } from './http.js';
import { createLimiter } from './limiter.js';
import { listReferrers, listRepositories, listTags, ping, type ReferrerDescriptor } from './listing.js';
import {
  deleteManifest,
  type FetchedManifest,
  getManifest,
  headManifest,
  type ManifestHead,
  putManifest,
} from './manifests.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry.js';
import { type ClientTlsOptions, resolveTls } from './tls.js';

export interface RegistryClientOptions {
  /** `https://host[:port]` or `http://...`; a bare `host:port` means https. */
  url: string;
  credentials?: Credentials;
  tls?: ClientTlsOptions;
  /** Requests in flight to this registry at once (blob bodies included). Default 8. */
  maxConcurrent?: number;
  retry?: Partial<RetryPolicy>;
  /** A socket silent this long is broken (then retried or resumed). Default 30 s; no limit on a flowing body. */
  idleTimeoutMs?: number;
  userAgent?: string;
  onRetry?: Caller['onRetry'];
}

export interface RegistryClient {
  readonly url: URL;
  ping(signal?: AbortSignal): Promise<void>;
  listRepositories(options?: { pageSize?: number; signal?: AbortSignal }): AsyncGenerator<string>;
  listTags(repository: string, options?: { pageSize?: number; signal?: AbortSignal }): AsyncGenerator<string>;
  getManifest(
    repository: string,
    reference: string,
    options?: { accept?: string[]; signal?: AbortSignal },
  ): Promise<FetchedManifest>;
  headManifest(
    repository: string,
    reference: string,
    options?: { accept?: string[]; signal?: AbortSignal },
  ): Promise<ManifestHead | undefined>;
  putManifest(
    repository: string,
    reference: string,
    mediaType: string,
    content: Uint8Array,
    signal?: AbortSignal,
  ): Promise<string>;
  deleteManifest(repository: string, reference: string): Promise<void>;
  headBlob(repository: string, digest: string): Promise<number | undefined>;
  /** A verified stream of the blob, resumed across broken connections. */
  getBlob(repository: string, digest: string, options?: BlobDownloadOptions): Readable;
  pushBlob(repository: string, blob: BlobSource, options?: BlobUploadOptions): Promise<BlobUploadOutcome>;
  listReferrers(
    repository: string,
    digest: string,
    options?: { artifactType?: string; signal?: AbortSignal },
  ): Promise<ReferrerDescriptor[]>;
  close(): void;
}

export function normalizeRegistryUrl(url: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`;
  const parsed = new URL(withScheme);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new Error(`${url}: a registry URL is http or https`);
  return new URL(`${parsed.protocol}//${parsed.host}/`);
}

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const url = normalizeRegistryUrl(options.url);
  const maxConcurrent = options.maxConcurrent ?? 8;
  const retry: RetryPolicy = { ...defaultRetryPolicy, ...options.retry };
  const transport = createTransport(
    resolveTls(options.tls),
    options.idleTimeoutMs ?? 30_000,
    maxConcurrent + 2,
  );
  const caller = createCaller({
    baseUrl: url,
    transport,
    limiter: createLimiter(maxConcurrent),
    retry,
    userAgent: options.userAgent ?? 'zot-ts-oci-client',
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
  });
  return {
    url,
    ping: (signal) => ping(caller, signal),
    listRepositories: (listOptions) => listRepositories(caller, listOptions),
    listTags: (repository, listOptions) => listTags(caller, repository, listOptions),
    getManifest: (repository, reference, getOptions) =>
      getManifest(caller, repository, reference, getOptions),
    headManifest: (repository, reference, headOptions) =>
      headManifest(caller, repository, reference, headOptions),
    putManifest: (repository, reference, mediaType, content, signal) =>
      putManifest(caller, repository, reference, mediaType, content, signal),
    deleteManifest: (repository, reference) => deleteManifest(caller, repository, reference),
    headBlob: (repository, digest) => headBlob(caller, repository, digest),
    getBlob: (repository, digest, blobOptions) => getBlob(caller, retry, repository, digest, blobOptions),
    pushBlob: (repository, blob, uploadOptions) => pushBlob(caller, repository, blob, uploadOptions),
    listReferrers: (repository, digest, referrerOptions) =>
      listReferrers(caller, repository, digest, referrerOptions),
    close: () => transport.close(),
  };
}

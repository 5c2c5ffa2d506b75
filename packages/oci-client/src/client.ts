// createRegistryClient binds one registry (URL, credentials, TLS, limits) once; every method then names only
// the repository and reference. One keep-alive agent and one concurrency limit per client, i.e. per registry.
import type { Readable } from 'node:stream';
import type { Credentials } from './auth.js';
import { type BlobDownloadOptions, getBlob, headBlob } from './blob-download.js';
import { type BlobSource, type BlobUploadOptions, type BlobUploadOutcome, pushBlob } from './blob-upload.js';
import { type Caller, createCaller } from './caller.js';
import { RegistryClientError } from './errors.js';
import { createTransport, type ExchangeEvent, observeTransport, readBody } from './http.js';
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
import { type RegistryAnswer, type RegistryRequest, sendRequest } from './request.js';
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
  /**
   * Send the credentials as Basic from the first request, as zot's zli does, instead of after a 401 challenge.
   * A registry that also admits anonymous users then answers as this user (its catalog, its access); a Bearer
   * challenge still switches to the token flow. Default false (sync learns the scheme first).
   */
  basicUpfront?: boolean;
  /** Sees every HTTP exchange, token requests included (a CLI's --debug). */
  onExchange?: (event: ExchangeEvent) => void;
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
  /**
   * Any other registry path (extension APIs, a /v2/ whose 401 is an answer) through the same auth, TLS,
   * retries and concurrency limit; the body read whole, capped.
   */
  request(request: RegistryRequest): Promise<RegistryAnswer>;
  headBlob(repository: string, digest: string): Promise<number | undefined>;
  /** A verified stream of the blob, resumed across broken connections. */
  getBlob(repository: string, digest: string, options?: BlobDownloadOptions): Readable;
  /** A small blob (an image config) read whole and verified; refused beyond maxBytes (default 4 MiB). */
  readBlob(
    repository: string,
    digest: string,
    options?: { maxBytes?: number; signal?: AbortSignal },
  ): Promise<Buffer>;
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
  const plainTransport = createTransport(
    resolveTls(options.tls),
    options.idleTimeoutMs ?? 30_000,
    maxConcurrent + 2,
  );
  const transport =
    options.onExchange === undefined ? plainTransport : observeTransport(plainTransport, options.onExchange);
  const caller = createCaller({
    baseUrl: url,
    transport,
    limiter: createLimiter(maxConcurrent),
    retry,
    userAgent: options.userAgent ?? 'zot-ts-oci-client',
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.basicUpfront === undefined ? {} : { basicUpfront: options.basicUpfront }),
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
    request: (request) => sendRequest(caller, request),
    headBlob: (repository, digest) => headBlob(caller, repository, digest),
    getBlob: (repository, digest, blobOptions) => getBlob(caller, retry, repository, digest, blobOptions),
    readBlob: async (repository, digest, readOptions = {}) => {
      const { maxBytes = 4 * 1024 * 1024, signal } = readOptions;
      const stream = getBlob(caller, retry, repository, digest, signal === undefined ? {} : { signal });
      return readBody(stream, maxBytes).catch((error: unknown) => {
        if (error instanceof RegistryClientError) throw error;
        throw new RegistryClientError(
          'INVALID_RESPONSE',
          `GET blob ${repository}@${digest}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      });
    },
    pushBlob: (repository, blob, uploadOptions) => pushBlob(caller, repository, blob, uploadOptions),
    listReferrers: (repository, digest, referrerOptions) =>
      listReferrers(caller, repository, digest, referrerOptions),
    close: () => transport.close(),
  };
}

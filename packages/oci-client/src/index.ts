// Public API of @zot-ts/oci-client: what is not exported here is internal.
export { type Challenge, type Credentials, parseChallenge } from './auth.js';
export type { BlobDownloadOptions } from './blob-download.js';
export type { BlobSource, BlobUploadOptions, BlobUploadOutcome } from './blob-upload.js';
export {
  createRegistryClient,
  normalizeRegistryUrl,
  type RegistryClient,
  type RegistryClientOptions,
} from './client.js';
export {
  isRegistryClientError,
  isTlsFailure,
  RegistryClientError,
  type RegistryClientErrorCode,
} from './errors.js';
export type { ExchangeEvent } from './http.js';
export { nextLink, type ReferrerDescriptor } from './listing.js';
export { type FetchedManifest, MANIFEST_ACCEPT, type ManifestHead } from './manifests.js';
export { answerJson, type RegistryAnswer, type RegistryRequest } from './request.js';
export { backoffMs, type RetryPolicy, retryAfterMs } from './retry.js';
export type { ClientTlsOptions } from './tls.js';

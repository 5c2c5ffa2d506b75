// Public API of @zot-ts/oci-store: what is not exported here is internal.

export type { BlobLocator } from './blob-locator.js';
export { BodyTooLargeError, readBodyWithin, readTextWithin } from './bounded-body.js';
export { borrowChunkBuffer, recycleChunk } from './chunk-pool.js';
export { coordinationDirectoryOf } from './coordination-dir.js';
export {
  ANNOTATION_REF_NAME,
  cleanDescriptor,
  descriptorProblem,
  isDescriptor,
  tagOfDescriptor,
} from './descriptor.js';
export {
  createDigestHash,
  type DigestAlgorithm,
  digestHexLength,
  digestOf,
  formatDigest,
  isDigest,
  isDigestAlgorithm,
  type ParsedDigest,
  parseDigest,
  sha256Hex,
  tryParseDigest,
} from './digest.js';
export { isOciError, OciError, type OciErrorCode, type OciErrorOptions, ociErrorMessages } from './errors.js';
export { createFileLocks, type FileLocksOptions } from './file-locks.js';
export { createGcJob } from './gc/gc-job.js';
export type {
  GcCounts,
  GcDecision,
  GcJob,
  GcJobOptions,
  GcKind,
  GcRunSummary,
  IsSignature,
  KeepTagsRule,
  RetentionOptions,
  RetentionPolicy,
  SignatureCandidate,
  TagTimes,
} from './gc/gc-types.js';
export { judgeTags, matchesPatterns, type TagVerdict } from './gc/retention-rules.js';
export { defaultIsSignature } from './gc/signatures.js';
export {
  JsonTooDeepError,
  jsonNestsDeeperThan,
  MAX_JSON_DEPTH,
  parseJsonWithinDepth,
} from './json-depth.js';
export { layout, OCI_LAYOUT_CONTENT } from './layout.js';
export { createLocalDriver, type LocalDriverOptions } from './local-driver.js';
export { createInProcessLocks, type Locks } from './locks.js';
export { type ManifestSummary, parseManifest } from './manifest-parse.js';
export {
  imageManifestMediaTypes,
  indexMediaTypes,
  isIndexMediaType,
  isManifestMediaType,
  isNonDistributableLayer,
  MEDIA_TYPE_DOCKER_MANIFEST,
  MEDIA_TYPE_DOCKER_MANIFEST_LIST,
  MEDIA_TYPE_OCI_EMPTY_JSON,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_MANIFEST,
  manifestMediaTypes,
  mediaTypes,
  normalizeMediaType,
} from './media-types.js';
export { createMemoryDriver } from './memory-driver.js';
export {
  assertRepositoryName,
  isRepositoryName,
  maxRepositoryNameLength,
  repositoryNameProblem,
} from './name.js';
export { assertRangeWithin, parseContentRange, parseRangeHeader } from './range.js';
export { parseReference, type Reference, tryParseReference } from './reference.js';
export type { QuotaRefusal } from './repository-quota.js';
export {
  assertRelativePath,
  CHUNK_SIZE,
  type DriverEntry,
  DriverNotFoundError,
  type DriverStat,
  type DriverWriter,
  isDriverNotFound,
  type StorageDriver,
} from './storage-driver.js';
export {
  type CreateStoreOptions,
  createStore,
  DEFAULT_UPLOAD_WORKERS,
  type StoreRootOptions,
} from './store.js';
export type * from './store-types.js';
export { assertTag, isTag } from './tag.js';
export { terminateUploadWorkers } from './upload-worker-pool.js';

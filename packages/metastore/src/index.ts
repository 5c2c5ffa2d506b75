// Public API of @zot-ts/metastore: what is not exported here is internal.

export type { FileMetaSnapshot, FileMetaStoreOptions } from './file-store.js';
export { createFileMetaStore, DEFAULT_METADATA_DIRECTORY_NAME, readFileMetaDirectory } from './file-store.js';
export {
  configIsImageConfig,
  imageMetaOfIndex,
  imageMetaOfManifest,
  isIndexMediaType,
  manifestMetaOf,
} from './image-meta-build.js';
export { createMemoryMetaStore } from './memory-store.js';
export type { CollectionName } from './meta-state.js';
export { createPullBatcher, type PullBatch, type PullBatcher, type PullTally } from './pull-batch.js';
export type { RepoMetaBackend, RepoMetaTx, UserPrefsRecord } from './repo-meta-backend.js';
export { createMemoryRepoMetaBackend } from './repo-meta-backend.js';
export {
  artifactTypeOf,
  COSIGN_SIGNATURE_ARTIFACT_TYPES,
  deriveRepoFields,
  type ImageSummary,
  imageCreatedAt,
  isDigestReference,
  isRecord,
  NOTATION_SIGNATURE_ARTIFACT_TYPE,
  platformOf,
  recogniseSignature,
  stringMap,
  subjectDigestOf,
  summariseImage,
  vendorOf,
} from './repo-meta-derive.js';
export { createRepoMetaStore, createUserPrefsStore } from './repo-meta-store.js';
export type {
  DescriptorStatistics,
  ImageMeta,
  ManifestMeta,
  ManifestSignatures,
  OciJson,
  ReferrerInfo,
  RepoMeta,
  RepoMetaStore,
  SignatureInfo,
  SignatureTool,
  TagDescriptor,
  ToggleResult,
  UserPrefsStore,
} from './repo-meta-types.js';
export type {
  ApiKeyAction,
  ApiKeyRecord,
  ApiKeyScope,
  ApiKeyStore,
  MetaStore,
  MetaStoreErrorCode,
  SessionRecord,
  SessionStore,
  SignatureCheck,
  SignatureResult,
  SignatureResultStore,
  StorageSyncStore,
  TagTimeRecord,
  TagTimeStore,
  UserRecord,
  UserStore,
} from './types.js';
export { MetaStoreError } from './types.js';

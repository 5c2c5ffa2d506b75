// Public API of @zot-ts/metastore: what is not exported here is internal.

export type { FileMetaStoreOptions } from './file-store.js';
export { createFileMetaStore, DEFAULT_METADATA_DIRECTORY_NAME } from './file-store.js';
export { createMemoryMetaStore } from './memory-store.js';
export type { CollectionName } from './meta-state.js';
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
  TagTimeRecord,
  TagTimeStore,
  UserRecord,
  UserStore,
} from './types.js';
export { MetaStoreError } from './types.js';

// The store vocabulary oci-api uses, re-exported in one place so the route files import one module.

export type {
  BlobInfo,
  BlobStore,
  ByteRange,
  Descriptor,
  Digest,
  ManifestStore,
  OciErrorCode,
  RepositoryStore,
  Store,
  StoreActor,
  UploadStatus,
} from '@zot-ts/oci-store';
export {
  assertRepositoryName,
  isDigest,
  isOciError,
  isRepositoryName,
  isTag,
  OciError,
  ociErrorMessages,
  recycleChunk,
} from '@zot-ts/oci-store';

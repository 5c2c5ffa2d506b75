// What zli reads of a registry, over @zot-ts/oci-client: zot's extension endpoints, manifests as documents,
// and the command-line spellings of images and credentials.

export { parseCredentials, USER_FLAG_VALUE } from './credentials.js';
export type { RegistryFailure } from './failure.js';
export { describeRegistryFailure, registryFailureOf } from './failure.js';
export type { ImageReference } from './image-reference.js';
export { parseImageReference } from './image-reference.js';
export * from './media-types.js';
export type { RegistryExtension, SignatureReport, SignatureVerification } from './zot-extensions.js';
export { parseDiscovery, parseSignatureVerification, SIGNATURES_ENDPOINT } from './zot-extensions.js';
export type {
  Descriptor,
  FetchedManifest,
  ManifestDocument,
  PingResult,
  ZotRegistry,
  ZotRegistryOptions,
} from './zot-registry.js';
export { createZotRegistry } from './zot-registry.js';

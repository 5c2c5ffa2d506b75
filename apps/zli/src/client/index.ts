// A read-only OCI distribution client (no zli concepts): candidates to move into packages/oci-client.

export type { RegistryClientErrorCode } from './errors.js';
export { RegistryClientError } from './errors.js';
export type { ImageReference } from './image-reference.js';
export { parseImageReference } from './image-reference.js';
export { nextPageUrl } from './link-header.js';
export * from './media-types.js';
export type {
  Descriptor,
  FetchedManifest,
  ManifestDocument,
  PingResult,
  RegistryClient,
  RegistryClientOptions,
  RegistryCredentials,
} from './registry-client.js';
export { createRegistryClient, parseCredentials } from './registry-client.js';
export type { RegistryExtension, SignatureReport, SignatureVerification } from './zot-extensions.js';
export { parseDiscovery, parseSignatureVerification, SIGNATURES_ENDPOINT } from './zot-extensions.js';

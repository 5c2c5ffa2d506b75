// Public API of @zot-ts/cosign: what is not exported here is internal.

// Bundles: parse and validate without throwing.
export { type BundleParseResult, type ParsedBundle, parseBundle } from './bundle-parse.js';
// Recognition (pure): what a manifest is and what it signs; GC asks isSignature.
export {
  artifactTypeOf,
  type Classification,
  type ClassifyInput,
  classifyManifest,
  isSignature,
  type ManifestKind,
  parseSignatureTag,
  type SignatureKind,
  signatureTagFor,
} from './classify.js';
export type { CertificateIdentity, KeylessIdentity } from './keyless-policy.js';
export * from './media-types.js';
export type { PersistedSignatureEntry, PersistedSignatureResults } from './persisted-results.js';
export type { KeyAlgorithm } from './public-keys.js';
export type {
  ManifestSignatures,
  NotationCheck,
  SignatureReport,
  SignatureStatus,
  SignatureTool,
  Verdict,
} from './results.js';
// Verification: results per manifest, cached, fed by a small reading port.
export type { OciDescriptor, SignatureSource, SourceManifest } from './signature-source.js';
export {
  createSignatureVerifier,
  type SignatureRelevantEvent,
  type SignatureVerifier,
  type SignatureVerifierOptions,
} from './signature-verifier.js';
// Trust: persisted cosign public keys, and a trusted root for keyless bundles.
export {
  createTrustStore,
  MAX_KEY_BYTES,
  type TrustedKey,
  type TrustStore,
  TrustStoreError,
  type TrustStoreErrorCode,
  type TrustStoreOptions,
} from './trust-store.js';
export { TrustedRootError, type TrustedRootErrorCode } from './trusted-root.js';

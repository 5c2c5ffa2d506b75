// Public API of @zot-ts/zli: what is not exported here is internal.

// The oclif command table (explicit discovery).
export { commands } from './commands/index.js';
export type {
  LegacyInvocation,
  LegacyPlan,
  ProfileKey,
  ProfileStore,
  ZliConfigErrorCode,
  ZliConfigFile,
  ZliProfile,
} from './config/index.js';
// The profile file (~/.zot or $ZLI_CONFIG).
export {
  createProfileStore,
  deprecationWarning,
  formatProfileList,
  PROFILE_KEYS,
  parseConfigText,
  planLegacyConfig,
  RESERVED_PROFILE_NAMES,
  readConfigFile,
  resolveConfigPath,
  serializeConfig,
  validateUrl,
  writeConfigFile,
  ZliConfigError,
} from './config/index.js';
export { findImagesByDigest, listImages } from './inspect/image-listing.js';
export type { ImageSummary, PlatformImage } from './inspect/image-summary.js';
export { isArtifactTag, summarizeImage } from './inspect/image-summary.js';
export type { ReferrerSummary } from './inspect/referrer-listing.js';
export { formatReferrerTable, listReferrers } from './inspect/referrer-listing.js';
export type { ServerStatus } from './inspect/server-status.js';
// What the commands show, usable without oclif.
export { formatServerStatus, getServerStatus, statusFromMgmt } from './inspect/server-status.js';
export type { SignatureTrust, TrustLookup } from './inspect/signature-trust.js';
export { createTrustLookup, noTrustLookup, signatureTrustOf } from './inspect/signature-trust.js';
// What zli reads of a registry (zot's extensions, manifests), over @zot-ts/oci-client.
export * from './registry/index.js';

// Public API of @zot-ts/sync: what is not exported here is internal.
export {
  type ContentRule,
  type ContentRules,
  compileContentRules,
  destinationOf,
  sourceOf,
} from './content.js';
export { convertManifest } from './convert.js';
export type { BlobInFlight, ManifestInFlight } from './in-flight.js';
export type { SyncLogger, SyncOptions, SyncOutcome, SyncReport, UpstreamOptions } from './options.js';
export type { PollSummary } from './periodic.js';
export { isSemver } from './semver.js';
export { createSync, type SyncService } from './sync.js';

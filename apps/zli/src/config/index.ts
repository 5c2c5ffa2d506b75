// The zli profile file (~/.zot): typed, strictly validated, written atomically.

export type { ZliConfigFile } from './config-file.js';
export {
  parseConfigText,
  readConfigFile,
  resolveConfigPath,
  serializeConfig,
  writeConfigFile,
} from './config-file.js';
export type { ZliConfigErrorCode } from './errors.js';
export { ZliConfigError } from './errors.js';
export type { LegacyInvocation, LegacyPlan } from './legacy-config.js';
export { deprecationWarning, planLegacyConfig } from './legacy-config.js';
export type { ProfileKey, ZliProfile } from './profile.js';
export { PROFILE_KEYS, RESERVED_PROFILE_NAMES, validateUrl } from './profile.js';
export type { ProfileStore } from './profile-store.js';
export { createProfileStore, formatProfileList } from './profile-store.js';

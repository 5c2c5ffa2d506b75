// Public API of @zot-ts/config: what is not exported here is internal.
export { defaultConfig } from './defaults.js';
export { isDuration, parseDuration } from './duration.js';
export type { ConfigErrorCode, ConfigIssue } from './errors.js';
export { ConfigError } from './errors.js';
export { loadConfig } from './load.js';
export type { NotBuiltFinding, NotBuiltSetting } from './not-built.js';
export { findNotBuiltSettings, NOT_BUILT_SETTINGS, refuseNotBuiltSettings } from './not-built.js';
export type { ParseOptions } from './parse.js';
export { parseConfig } from './parse.js';
export { ACTIONS } from './schema/access-control.js';
export { configSchema } from './schema/root.js';
export type * from './types/index.js';

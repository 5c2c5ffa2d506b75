// Public API of @zot-ts/registry: what is not exported here is internal.

export type { ComposedRegistry, RegistryExtensions } from './compose.js';
export { composeRegistry, storeOptionsOf } from './compose.js';
export type { ServerTimeouts } from './server.js';
export { defaultTimeouts } from './server.js';
export type { RunningRegistry, StartRegistryOptions } from './start-registry.js';
export { startRegistry } from './start-registry.js';

// Public API of @zot-ts/search: what is not exported here is internal.

export type { ImageSummary, ManifestSummary, PageInfo, RepoSummary } from './gql-types.js';
export type { QueryLimits } from './limits.js';
export { CVE_DISABLED_MESSAGE } from './resolvers.js';
export { ZOT_SCHEMA_SDL } from './schema.js';
export type {
  GraphQLRequest,
  SearchApi,
  SearchApiOptions,
  SearchLimits,
  SearchResult,
} from './search-api.js';
export { createSearchApi, DEFAULT_SEARCH_LIMITS } from './search-api.js';
export { TOGGLE_BOOKMARK, TOGGLE_STAR } from './userprefs.js';

// Public API of @zot-ts/glob: what is not exported here is internal.
export { compileGlob, type GlobMatcher, isValidGlob, matchGlob } from './glob.js';
export { createGlobCache, createRepositoryMatcher } from './repository-matcher.js';

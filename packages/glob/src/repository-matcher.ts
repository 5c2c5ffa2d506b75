// Lookups keyed by repository globs: the longest-pattern rule of zot's accessControl, and a bounded cache of
// compiled globs for patterns that arrive at request time (credential scopes).
import { compileGlob, type GlobMatcher } from './glob.js';

/**
 * zot's rule for `repositories`: of all keys that match, the one with the longest pattern applies
 * (zot compares `len(pattern)`, in bytes; equal lengths: the first in config order wins here, where
 * zot's map iteration order is random).
 */
export function createRepositoryMatcher<T>(
  entries: ReadonlyArray<readonly [string, T]>,
): (repository: string) => { pattern: string; value: T } | undefined {
  const ordered = entries
    .map(([pattern, value], order) => ({
      glob: compileGlob(pattern),
      value,
      order,
      length: Buffer.byteLength(pattern),
    }))
    .sort((a, b) => b.length - a.length || a.order - b.order);
  const cache = new Map<string, { pattern: string; value: T } | undefined>();
  return (repository) => {
    if (cache.has(repository)) return cache.get(repository);
    let found: { pattern: string; value: T } | undefined;
    for (const entry of ordered) {
      if (entry.glob.matches(repository)) {
        found = { pattern: entry.glob.pattern, value: entry.value };
        break;
      }
    }
    // bounded: repository names come from clients; a flood of distinct names must not grow memory
    if (cache.size >= 10_000) cache.clear();
    cache.set(repository, found);
    return found;
  };
}

/**
 * A compile function that remembers up to `limit` patterns. For patterns carried by credentials (API key
 * scopes, bearer-token access claims): few distinct ones, each tested on every request; the bound keeps
 * a flood of distinct patterns from growing memory (the cache is simply emptied when full).
 */
export function createGlobCache(limit = 1_000): (pattern: string) => GlobMatcher {
  const compiled = new Map<string, GlobMatcher>();
  return (pattern) => {
    let glob = compiled.get(pattern);
    if (glob === undefined) {
      if (compiled.size >= limit) compiled.clear();
      glob = compileGlob(pattern);
      compiled.set(pattern, glob);
    }
    return glob;
  };
}

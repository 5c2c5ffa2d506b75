import { describe, expect, it } from 'vitest';
import { createGlobCache, createRepositoryMatcher } from './repository-matcher.js';

describe('createRepositoryMatcher', () => {
  it('picks the matching key with the longest pattern', () => {
    const match = createRepositoryMatcher([
      ['**', 'all'],
      ['prod/**', 'prod'],
      ['prod/team-a/**', 'team-a'],
    ] as const);
    expect(match('prod/team-a/app')?.value).toBe('team-a');
    expect(match('prod/team-b/app')?.value).toBe('prod');
    expect(match('dev/app')?.value).toBe('all');
  });

  it('returns undefined when no key matches, and breaks length ties by config order', () => {
    const match = createRepositoryMatcher([
      ['a/*', 'first'],
      ['*/b', 'second'],
    ] as const);
    expect(match('a/b')?.value).toBe('first');
    expect(match('c/d')).toBeUndefined();
  });

  it('compares pattern lengths in bytes, as zot compares len(pattern)', () => {
    // both hold six characters, but 'é' takes two bytes: by characters the tie would go to config order
    const match = createRepositoryMatcher([
      ['caf?/*', 'short'],
      ['caf\u00e9/*', 'long'],
    ] as const);
    expect(match('caf\u00e9/x')?.value).toBe('long');
  });
});

describe('createGlobCache', () => {
  it('returns the same compiled matcher for a repeated pattern', () => {
    const compile = createGlobCache();
    const first = compile('team/**');
    expect(compile('team/**')).toBe(first);
    expect(first.matches('team/app')).toBe(true);
  });

  it('empties itself when full rather than growing past its limit', () => {
    const compile = createGlobCache(2);
    const first = compile('a/*');
    compile('b/*');
    compile('c/*'); // third pattern: the cache was full and starts over
    expect(compile('a/*')).not.toBe(first);
    expect(compile('a/*').matches('a/x')).toBe(true);
  });
});

import { compileGlob } from '@zot-ts/glob';
import { describe, expect, it } from 'vitest';
import { matchRepositoryGlob, parseApiKeyScopes, scopesAllow } from './scopes.js';

// API key scopes once had their own glob matcher, in which `**` was a bare `.*`; scopes now match as
// zot's accessControl keys (doublestar), so a scope and a policy with the same glob cover the same names.
describe('matchRepositoryGlob (doublestar, as zot accessControl)', () => {
  it.each([
    ['team/**', 'team', true], // `**` as a whole segment matches zero segments
    ['team/**', 'team/a/b', true],
    ['team/**', 'teammate/a', false],
    ['**/app', 'app', true],
    ['a/**/b', 'a/b', true],
    ['a**', 'a/b', false], // `**` inside a segment is a plain `*`
    ['team/*', 'team/a/b', false],
    ['app?', 'app1', true],
    ['a.b', 'axb', false],
  ])('%s against %s is %s', (glob, repository, expected) => {
    expect(matchRepositoryGlob(glob, repository)).toBe(expected);
  });

  it('agrees with @zot-ts/glob on every accepted scope glob', () => {
    const globs = ['**', '*', 'team/**', 'team/*/app', 'ci-?/x', '**/base', 'a**b'];
    const names = ['team', 'team/app', 'team/x/app', 'ci-1/x', 'base', 'lib/base', 'ab', 'a/b'];
    for (const glob of globs) {
      const reference = compileGlob(glob);
      for (const name of names) expect(matchRepositoryGlob(glob, name)).toBe(reference.matches(name));
    }
  });
});

describe('scopesAllow', () => {
  it('lets a `prefix/**` scope reach the prefix repository itself', () => {
    const { credentialScopes } = parseApiKeyScopes(['team/**:read']);
    expect(scopesAllow(credentialScopes, 'team', 'read')).toBe(true);
    expect(scopesAllow(credentialScopes, 'team', 'create')).toBe(false);
  });

  it('keeps refusing scope globs outside the accepted subset', () => {
    expect(() => parseApiKeyScopes(['team/{a,b}'])).toThrow(/invalid repository glob/);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, isValidGlob, matchGlob } from './glob.js';

describe('matchGlob (doublestar semantics, as zot uses them)', () => {
  it.each([
    ['**', 'a', true],
    ['**', 'a/b/c', true],
    ['*', 'app', true],
    ['*', 'team/app', false],
    ['prod/*', 'prod/app', true],
    ['prod/*', 'prod/team/app', false],
    ['prod/**', 'prod/team/app', true],
    ['prod/**', 'prod', true],
    ['prod/**', 'production/app', false],
    ['**/app', 'app', true],
    ['**/app', 'a/b/app', true],
    ['**/app', 'a/b/myapp', false],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a**', 'abc', true],
    ['a**', 'a/bc', false],
    ['app?', 'app1', true],
    ['app?', 'app', false],
    ['app?', 'app/', false],
    ['v[0-9]', 'v7', true],
    ['v[0-9]', 'vx', false],
    ['v[!0-9]', 'vx', true],
    ['v[^0-9]', 'v1', false],
    ['a[/]b', 'a/b', false],
    ['{dev,test}/**', 'test/x', true],
    ['{dev,test}/**', 'prod/x', false],
    ['team-{a,b*}/app', 'team-bee/app', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['a.b', 'axb', false],
    ['a+b', 'a+b', true],
  ])('%s against %s is %s', (pattern, name, expected) => {
    expect(matchGlob(pattern, name)).toBe(expected);
  });

  it('treats a malformed pattern as matching nothing, as zot does with ErrBadPattern', () => {
    for (const pattern of ['[abc', 'a{b,c', 'a\\']) {
      const glob = compileGlob(pattern);
      expect(glob.valid).toBe(false);
      expect(glob.matches(pattern)).toBe(false);
      expect(isValidGlob(pattern)).toBe(false);
    }
    expect(isValidGlob('prod/{a,b}/[0-9]*')).toBe(true);
  });
});

// names made of repository-name characters, so generated strings look like what a client sends
const segment = fc.stringMatching(/^[a-z0-9._-]{1,8}$/);
const repositoryName = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
const escapeGlob = (text: string) => text.replace(/[\\*?[\]{}]/g, (char) => `\\${char}`);

describe('matchGlob properties', () => {
  it('a literal name matches itself and nothing longer', () => {
    fc.assert(
      fc.property(repositoryName, segment, (name, extra) => {
        expect(matchGlob(name, name)).toBe(true);
        expect(matchGlob(name, `${name}/${extra}`)).toBe(false);
        expect(matchGlob(name, `${name}${extra}`)).toBe(false);
      }),
    );
  });

  it('an escaped arbitrary string matches exactly that string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (text, other) => {
        expect(matchGlob(escapeGlob(text), text)).toBe(true);
        if (other !== text) expect(matchGlob(escapeGlob(text), other)).toBe(false);
      }),
    );
  });

  it('`**` matches every name and `prefix/**` every name under prefix, and prefix itself', () => {
    fc.assert(
      fc.property(repositoryName, repositoryName, (prefix, rest) => {
        expect(matchGlob('**', rest)).toBe(true);
        expect(matchGlob(`${prefix}/**`, `${prefix}/${rest}`)).toBe(true);
        expect(matchGlob(`${prefix}/**`, prefix)).toBe(true);
        expect(matchGlob(`${prefix}/**`, `${prefix}x/${rest}`)).toBe(false);
      }),
    );
  });

  it('`*` and `?` never cross a path separator', () => {
    fc.assert(
      fc.property(segment, segment, (a, b) => {
        expect(matchGlob('*', `${a}/${b}`)).toBe(false);
        expect(matchGlob('*', a)).toBe(true);
        expect(matchGlob(`${a}?${b}`, `${a}/${b}`)).toBe(false);
        expect(matchGlob(`${a}?${b}`, `${a}x${b}`)).toBe(true);
      }),
    );
  });

  it('replacing one segment with `*` still matches the name', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.nat(), (parts, pick) => {
        const index = pick % parts.length;
        const pattern = parts.map((part, i) => (i === index ? '*' : part)).join('/');
        expect(matchGlob(pattern, parts.join('/'))).toBe(true);
      }),
    );
  });
});

// Repository-name globs, matched the way zot matches them: the keys of `http.accessControl.repositories`,
// retention policies' `repositories` and API key scopes all go through here, so the three agree.
// zot calls github.com/bmatcuk/doublestar/v4 `Match(pattern, repository)`. Its syntax:
//   *          any run of characters except '/'
//   ?          one character except '/'
//   [abc] [a-z] [^x] [!x]   one character (never '/') in / not in the class
//   {a,b}      one of the comma-separated alternatives (which may hold patterns themselves)
//   **         as a whole path segment: zero or more segments (`a/**` also matches `a` itself,
//              `**/x` matches `x`, `a/**/b` matches `a/b`); elsewhere (`a**`) it is a plain `*`
//   \c         the character c literally
// A malformed pattern (unclosed `[` or `{`, trailing `\`) makes doublestar return ErrBadPattern, which
// zot treats as "no match"; so does this module, and `compileGlob` says so through `valid: false`.
//
// Patterns compile once to an anchored RegExp: repository names are short, and a RegExp test is a few
// hundred nanoseconds at most.

export interface GlobMatcher {
  readonly pattern: string;
  /** false when the pattern is malformed: it then matches nothing, as in zot. */
  readonly valid: boolean;
  matches(name: string): boolean;
}

class BadPattern extends Error {}

const REGEXP_SPECIAL = /[\\^$.*+?()[\]{}|/-]/;

function literal(char: string): string {
  return REGEXP_SPECIAL.test(char) ? `\\${char}` : char;
}

/** Translates pattern[start..] up to (not including) a terminator; returns the regexp and the stop index. */
function translate(
  pattern: string,
  start: number,
  insideAlternative: boolean,
): { source: string; end: number } {
  let source = '';
  let index = start;
  while (index < pattern.length) {
    const char = pattern[index] as string;
    if (insideAlternative && (char === ',' || char === '}')) break;
    if (char === '\\') {
      const next = pattern[index + 1];
      if (next === undefined) throw new BadPattern('trailing backslash');
      source += literal(next);
      index += 2;
    } else if (char === '*') {
      if (pattern[index + 1] === '*') {
        const atSegmentStart = index === 0 || pattern[index - 1] === '/';
        const after = pattern[index + 2];
        if (atSegmentStart && after === '/') {
          // `**/`: zero or more whole segments, each followed by '/'
          source += '(?:[^/]*/)*';
          index += 3;
          continue;
        }
        if (atSegmentStart && after === undefined && !insideAlternative) {
          if (index === 0) {
            source += '.*';
          } else {
            // `a/**`: the '/' already emitted becomes optional, so `a` itself matches too
            source = `${source.slice(0, -2)}(?:/.*)?`;
          }
          index += 2;
          continue;
        }
        source += '[^/]*';
        index += 2;
        while (pattern[index] === '*') index += 1;
      } else {
        source += '[^/]*';
        index += 1;
      }
    } else if (char === '?') {
      source += '[^/]';
      index += 1;
    } else if (char === '[') {
      const { source: classSource, end } = translateClass(pattern, index);
      source += classSource;
      index = end;
    } else if (char === '{') {
      const alternatives: string[] = [];
      let cursor = index + 1;
      for (;;) {
        const part = translate(pattern, cursor, true);
        alternatives.push(part.source);
        const stop = pattern[part.end];
        if (stop === undefined) throw new BadPattern('unclosed {');
        cursor = part.end + 1;
        if (stop === '}') break;
      }
      source += `(?:${alternatives.join('|')})`;
      index = cursor;
    } else {
      source += literal(char);
      index += 1;
    }
  }
  return { source, end: index };
}

function translateClass(pattern: string, open: number): { source: string; end: number } {
  let index = open + 1;
  let negated = false;
  if (pattern[index] === '^' || pattern[index] === '!') {
    negated = true;
    index += 1;
  }
  let body = '';
  let first = true;
  for (;;) {
    const char = pattern[index];
    if (char === undefined) throw new BadPattern('unclosed [');
    if (char === ']' && !first) break;
    first = false;
    let low = char;
    if (char === '\\') {
      const escaped = pattern[index + 1];
      if (escaped === undefined) throw new BadPattern('trailing backslash');
      low = escaped;
      index += 1;
    }
    index += 1;
    if (pattern[index] === '-' && pattern[index + 1] !== undefined && pattern[index + 1] !== ']') {
      let high = pattern[index + 1] as string;
      index += 2;
      if (high === '\\') {
        const escaped = pattern[index];
        if (escaped === undefined) throw new BadPattern('trailing backslash');
        high = escaped;
        index += 1;
      }
      if (high < low) throw new BadPattern('bad range');
      body += `${literal(low)}-${literal(high)}`;
    } else {
      body += literal(low);
    }
  }
  // a class never matches the path separator, negated or not
  const source = negated ? `(?!/)[^${body}]` : `(?!/)[${body}]`;
  return { source, end: index + 1 };
}

export function compileGlob(pattern: string): GlobMatcher {
  try {
    const { source } = translate(pattern, 0, false);
    const regexp = new RegExp(`^${source}$`, 's');
    return { pattern, valid: true, matches: (name) => regexp.test(name) };
  } catch (error) {
    if (!(error instanceof BadPattern)) throw error;
    return { pattern, valid: false, matches: () => false };
  }
}

/** One-off match; compile with `compileGlob` when the pattern is reused. */
export function matchGlob(pattern: string, name: string): boolean {
  return compileGlob(pattern).matches(name);
}

/** Whether doublestar would accept the pattern (its ValidatePattern); a malformed one matches nothing. */
export function isValidGlob(pattern: string): boolean {
  return compileGlob(pattern).valid;
}

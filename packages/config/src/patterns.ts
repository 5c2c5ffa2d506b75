// Checks that regular expressions and globs in a config compile the way zot compiles them: regexes with
// Go's RE2 (regexp.Compile), repository globs with doublestar's ValidatePattern, and, for globs, also the
// way this server's own matcher (@zot-ts/glob) compiles them, so the check and the matcher cannot drift.
import { isValidGlob } from '@zot-ts/glob';

/**
 * Returns why `pattern` is not a Go RE2 regular expression, or undefined when it compiles.
 * RE2 has no lookaround or backreferences; `(?P<name>)` groups and leading `(?i)` flags are RE2-only
 * spellings that we translate before asking the JS engine about the rest.
 */
export function regexProblem(pattern: string): string | undefined {
  if (/\(\?<?[=!]/.test(pattern)) return 'lookaround assertions are not supported by Go regular expressions';
  if (/(^|[^\\])(\\\\)*\\[1-9]/.test(pattern))
    return 'backreferences are not supported by Go regular expressions';
  let body = pattern.replaceAll('(?P<', '(?<');
  let flags = '';
  const leadingFlags = /^\(\?([imsU]+)\)/.exec(body);
  if (leadingFlags !== null) {
    flags = [...new Set(leadingFlags[1]?.replace('U', '') ?? '')].join('');
    body = body.slice(leadingFlags[0].length);
  }
  body = body.replaceAll('\\z', '$').replaceAll('\\A', '^');
  try {
    new RegExp(body, flags);
    return undefined;
  } catch (error) {
    return `not a valid regular expression: ${error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error)}`;
  }
}

/**
 * Returns why `pattern` is not a valid doublestar glob, or undefined when it is: every `[` needs its
 * `]`, every `{` its `}`, and a trailing `\` escapes nothing (doublestar v4 ValidatePattern).
 */
export function globProblem(pattern: string): string | undefined {
  let braceDepth = 0;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '\\') {
      if (index === pattern.length - 1) return 'ends with an escape character (\\) that escapes nothing';
      index++;
    } else if (char === '[') {
      // a ']' right after '[' or '[^' / '[!' is a literal member of the class
      let close = index + 1;
      if (pattern[close] === '^' || pattern[close] === '!') close++;
      if (pattern[close] === ']') close++;
      while (close < pattern.length && pattern[close] !== ']') {
        if (pattern[close] === '\\') close++;
        close++;
      }
      if (close >= pattern.length) return 'has a "[" without its closing "]"';
      index = close;
    } else if (char === '{') {
      braceDepth++;
    } else if (char === '}' && braceDepth > 0) {
      braceDepth--;
    }
  }
  if (braceDepth > 0) return 'has a "{" without its closing "}"';
  if (!isValidGlob(pattern))
    return 'is not a glob the server can match (e.g. a reversed range such as [z-a])';
  return undefined;
}

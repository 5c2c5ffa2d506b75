import { describe, expect, it } from 'vitest';
import { globProblem, regexProblem } from './patterns.js';

describe('globProblem', () => {
  it.each(['**', 'prod/**', 'team-?/*', '{a,b}/**', '[a-z]*/x', 'a\\*b', '[]]x'])('accepts %j', (glob) => {
    expect(globProblem(glob)).toBeUndefined();
  });

  it.each([
    ['dev/[a-z', '"["'],
    ['{a,b', '"{"'],
    ['trailing\\', 'escape'],
    ['team-[z-a]/**', 'reversed range'],
  ])('rejects %j', (glob, mentioned) => {
    expect(globProblem(glob)).toContain(mentioned);
  });
});

describe('regexProblem', () => {
  it.each(['.*', 'v2.*', '^(?P<major>[0-9]+)\\.', '(?i)-rc[0-9]*$', 'a\\z'])(
    'accepts the Go regex %j',
    (pattern) => {
      expect(regexProblem(pattern)).toBeUndefined();
    },
  );

  it('rejects an unclosed group', () => {
    expect(regexProblem('(unclosed')).toMatch(/not a valid regular expression/);
  });

  it('rejects lookaround and backreferences, which RE2 lacks', () => {
    expect(regexProblem('(?=x)')).toMatch(/lookaround/);
    expect(regexProblem('(a)\\1')).toMatch(/backreferences/);
  });
});

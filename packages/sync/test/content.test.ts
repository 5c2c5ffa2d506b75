// zot's content rules: destination/stripPrefix mapping both ways, and tag filters that see the UPSTREAM name
// (zot #4003: prefix `a/**`, destination `/mirror`, stripPrefix: the regex must apply to `a/x`, not `mirror/x`).
import { describe, expect, it } from 'vitest';
import { compileContentRules, isSemver } from '../src/index.js';

describe('content rules', () => {
  it('#4003: filters tags by the rule matched on the upstream name, then maps the name', () => {
    const rules = compileContentRules([
      { prefix: 'a/**', destination: '/mirror', stripPrefix: true, tags: { regex: '^v1\\.' } },
      { prefix: 'mirror/**', tags: { regex: '^never$' } },
    ]);
    expect(rules.matchesUpstream('a/x')).toBe(true);
    expect(rules.filterTags('a/x', ['v1.0', 'v2.0', 'latest'])).toEqual(['v1.0']);
    expect(rules.destinationOf('a/x')).toBe('mirror/x');
    expect(rules.sourceOf('mirror/x')).toBe('a/x');
  });

  it('maps without stripPrefix by prepending the destination', () => {
    const rules = compileContentRules([{ prefix: 'lib/*', destination: '/up' }]);
    expect(rules.destinationOf('lib/app')).toBe('up/lib/app');
    expect(rules.sourceOf('up/lib/app')).toBe('lib/app');
    expect(rules.sourceOf('other/app')).toBeUndefined();
    expect(rules.matchesUpstream('other/app')).toBe(false);
  });

  it('applies excludeRegex and semver after regex', () => {
    const rules = compileContentRules([
      { prefix: '**', tags: { regex: '.*', excludeRegex: '-rc', semver: true } },
    ]);
    expect(rules.filterTags('x', ['1.2.3', 'v1.2', '1.2.3-rc1', 'latest', '01.2.3'])).toEqual([
      '1.2.3',
      'v1.2',
    ]);
    expect(isSemver('1.0.0+build.5')).toBe(true);
  });

  it('mirrors everything under its own name without rules', () => {
    const rules = compileContentRules([]);
    expect(rules.destinationOf('any/repo')).toBe('any/repo');
    expect(rules.sourceOf('any/repo')).toBe('any/repo');
  });
});

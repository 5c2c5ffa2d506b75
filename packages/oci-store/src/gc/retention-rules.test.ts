import { describe, expect, it } from 'vitest';
import { createPolicyFinder, judgeTags, matchesPatterns } from './retention-rules.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const HOUR = 3_600_000;

describe('retention rules', () => {
  it('matchesPatterns > is unanchored like Go MatchString and accepts RE2 spellings', () => {
    expect(matchesPatterns('release-v2.1', ['v2\\.'])).toBe(true);
    expect(matchesPatterns('V2', ['(?i)^v2$'])).toBe(true);
    expect(matchesPatterns('v2-rc', ['^(?P<major>v2)$'])).toBe(false);
    expect(matchesPatterns('anything', [])).toBe(true);
    expect(matchesPatterns('x', ['(unclosed'])).toBe(false);
  });

  it('createPolicyFinder > picks the first policy whose doublestar globs match', () => {
    const find = createPolicyFinder({
      policies: [
        { repositories: ['infra/*'], deleteUntagged: false },
        { repositories: ['infra/**', 'tmp/{a,b}'], deleteReferrers: true },
      ],
    });
    expect(find('infra/db')?.deleteUntagged).toBe(false);
    expect(find('infra/db/replica')?.deleteReferrers).toBe(true);
    expect(find('tmp/b')?.deleteReferrers).toBe(true);
    expect(find('tmp/c')).toBeUndefined();
  });

  it('judgeTags > mostRecentlyPulledCount lets never-pulled tags fill the count, as zot', () => {
    const verdicts = judgeTags(
      [{ mostRecentlyPulledCount: 2 }],
      [
        { tag: 'pulled', digest: 'sha256:a' },
        { tag: 'never', digest: 'sha256:b' },
        { tag: 'never-2', digest: 'sha256:c' },
      ],
      [
        { tag: 'pulled', digest: 'sha256:a', pushedAt: new Date(NOW.getTime() - 9 * HOUR), pulledAt: NOW },
        { tag: 'never', digest: 'sha256:b', pushedAt: new Date(NOW.getTime() - HOUR) },
        { tag: 'never-2', digest: 'sha256:c', pushedAt: new Date(NOW.getTime() - 2 * HOUR) },
      ],
      NOW,
    );
    expect(verdicts.filter((verdict) => verdict.keep).map((verdict) => verdict.tag)).toEqual([
      'pulled',
      'never',
    ]);
    expect(verdicts.find((verdict) => verdict.tag === 'pulled')?.reason).toBe(
      'retained by mostRecentlyPulledCount:2 policy',
    );
  });

  it('judgeTags > a record whose digest differs from the tag is treated as missing, so the tag stays', () => {
    const [verdict] = judgeTags(
      [{ pushedWithinMs: HOUR }],
      [{ tag: 'moved', digest: 'sha256:new' }],
      [{ tag: 'moved', digest: 'sha256:old', pushedAt: new Date(0) }],
      NOW,
    );
    expect(verdict).toMatchObject({ keep: true, reason: 'tag statistics not found' });
  });
});

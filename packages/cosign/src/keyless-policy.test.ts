import { describe, expect, it } from 'vitest';
import { compileKeylessPolicy } from './keyless-policy.js';

const ISSUER = 'https://token.actions.githubusercontent.com';
const WORKFLOW = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0';

describe('compileKeylessPolicy', () => {
  it('accepts any identity when none is configured', () => {
    const policy = compileKeylessPolicy();
    expect(policy.open).toBe(true);
    expect(policy.accepts({ subjectAlternativeName: 'a@b.test', issuer: 'x' })).toBe(true);
  });

  it('matches the issuer exactly and the subject exactly or by an anchored expression', () => {
    const policy = compileKeylessPolicy([
      { issuer: 'https://accounts.test', subject: 'release@example.com' },
      { issuer: ISSUER, subjectRegExp: 'https://github\\.com/acme/app/.*@refs/tags/v.*' },
    ]);
    expect(
      policy.accepts({ subjectAlternativeName: 'release@example.com', issuer: 'https://accounts.test' }),
    ).toBe(true);
    expect(policy.accepts({ subjectAlternativeName: 'release@example.com', issuer: ISSUER })).toBe(false);
    expect(policy.accepts({ subjectAlternativeName: WORKFLOW, issuer: ISSUER })).toBe(true);
    expect(policy.accepts({ subjectAlternativeName: `https://evil.test/?${WORKFLOW}`, issuer: ISSUER })).toBe(
      false,
    );
    expect(
      policy.accepts({ subjectAlternativeName: WORKFLOW.replace('tags/v', 'heads/'), issuer: ISSUER }),
    ).toBe(false);
    expect(policy.accepts({ subjectAlternativeName: WORKFLOW })).toBe(false);
  });

  it('refuses entries without an issuer, with both or neither subject keys, or with a bad expression', () => {
    const codeOf = (identities: Parameters<typeof compileKeylessPolicy>[0]) => {
      try {
        compileKeylessPolicy(identities);
        return 'compiled';
      } catch (error) {
        return `${(error as { code: string }).code} ${(error as Error).message}`;
      }
    };
    expect(codeOf([{ issuer: '', subject: 's' }])).toBe(
      'INVALID_KEYLESS_IDENTITY keylessIdentities[0]: an issuer is required',
    );
    expect(codeOf([{ issuer: 'i', subject: 's', subjectRegExp: 's' }])).toMatch(/exactly one of subject/);
    expect(codeOf([{ issuer: 'i' }])).toMatch(/exactly one of subject/);
    expect(
      codeOf([
        { issuer: 'i', subject: 's' },
        { issuer: 'i', subjectRegExp: '[' },
      ]),
    ).toMatch(
      /^INVALID_KEYLESS_IDENTITY keylessIdentities\[1\]: subjectRegExp is not a valid regular expression/,
    );
  });
});

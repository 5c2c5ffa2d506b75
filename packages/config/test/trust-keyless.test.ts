// extensions.trust.trustedRoot and keylessIdentities: our keys (zot has none) for keyless bundles.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/index.js';

const withTrust = (trust: Record<string, unknown>) => ({
  storage: { rootDirectory: '/r' },
  extensions: { trust: { enable: true, cosign: true, ...trust } },
});

function issuesOf(input: unknown): string[] {
  try {
    parseConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('extensions.trust keyless keys', () => {
  it('keeps a trusted root path and identities as written, with no defaults added', () => {
    const identities = [
      { issuer: 'https://accounts.test', subject: 'signer@example.com' },
      {
        issuer: 'https://token.actions.githubusercontent.com',
        subjectRegExp: 'https://github\\.com/acme/.*',
      },
    ];
    const trust = parseConfig(
      withTrust({ trustedRoot: '/etc/zot/trusted_root.json', keylessIdentities: identities }),
    ).extensions?.trust;
    expect(trust).toEqual({
      enable: true,
      cosign: true,
      notation: false,
      trustedRoot: '/etc/zot/trusted_root.json',
      keylessIdentities: identities,
    });
    expect(parseConfig(withTrust({})).extensions?.trust).not.toHaveProperty('trustedRoot');
  });

  it('refuses an empty path, an identity without issuer, and one with both or neither subject key', () => {
    expect(issuesOf(withTrust({ trustedRoot: '' }))).toEqual([
      'extensions.trust.trustedRoot: must not be empty',
    ]);
    expect(issuesOf(withTrust({ keylessIdentities: [{ subject: 'a@b.c', subjectRegExp: '.*' }] }))).toEqual([
      'extensions.trust.keylessIdentities[0].issuer: is required',
    ]);
    expect(issuesOf(withTrust({ keylessIdentities: [{ issuer: 'i' }] }))).toHaveLength(1);
    expect(
      issuesOf(withTrust({ keylessIdentities: [{ issuer: 'i', subject: 's', subjectRegExp: 's' }] })),
    ).toHaveLength(1);
    expect(issuesOf(withTrust({ keylessIdentities: [{ issuer: 'i', email: 's' }] }))[0]).toMatch(
      /^extensions\.trust\.keylessIdentities\[0\]\.email: unknown key/,
    );
  });
});

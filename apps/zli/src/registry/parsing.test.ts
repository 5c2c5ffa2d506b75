import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCredentials } from './credentials.js';
import { parseImageReference } from './image-reference.js';

describe('parseImageReference', () => {
  it('splits repo:tag and repo@digest, keeping a registry port in the repository', () => {
    expect(parseImageReference('team/app:1.0')).toEqual({
      repository: 'team/app',
      reference: '1.0',
      isDigest: false,
    });
    expect(parseImageReference('localhost:5000/app:v1')).toEqual({
      repository: 'localhost:5000/app',
      reference: 'v1',
      isDigest: false,
    });
    expect(parseImageReference(`app@sha256:${'a'.repeat(64)}`)).toEqual({
      repository: 'app',
      reference: `sha256:${'a'.repeat(64)}`,
      isDigest: true,
    });
  });

  it('refuses text without a tag or with a bad digest', () => {
    expect(parseImageReference('app')).toBeUndefined();
    expect(parseImageReference('localhost:5000/app')).toBeUndefined();
    expect(parseImageReference('app@nodigest')).toBeUndefined();
    expect(parseImageReference(':tag')).toBeUndefined();
  });

  it('round-trips any repository and tag it accepts', () => {
    const segment = fc.stringMatching(/^[a-z0-9]+([._-][a-z0-9]+)*$/);
    const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,20}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 3 }), tag, (parts, tagText) => {
        const repository = parts.join('/');
        expect(parseImageReference(`${repository}:${tagText}`)).toEqual({
          repository,
          reference: tagText,
          isDigest: false,
        });
      }),
    );
  });
});

describe('parseCredentials', () => {
  it('splits at the first colon so passwords may hold colons', () => {
    expect(parseCredentials('alice:pa:ss')).toEqual({ username: 'alice', password: 'pa:ss' });
    expect(parseCredentials('alice')).toBeUndefined();
    expect(parseCredentials(':x')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { parseAuthorization } from '../src/index.js';
import { basicHeader } from './helpers.js';

const parse = (...values: string[]) => {
  const headers = new Headers();
  for (const value of values) headers.append('authorization', value);
  return parseAuthorization(headers);
};

describe('parseAuthorization', () => {
  it('reads basic credentials, keeping colons in the password', () => {
    expect(parse(basicHeader('alice', 'pa:ss'))).toEqual({
      kind: 'basic',
      username: 'alice',
      password: 'pa:ss',
    });
  });

  it('refuses two Authorization headers, even of the same scheme', () => {
    expect(parse(basicHeader('a', 'b'), basicHeader('c', 'd'))).toMatchObject({ kind: 'invalid' });
    expect(parse('Bearer aaa.bbb.ccc', basicHeader('c', 'd'))).toMatchObject({
      kind: 'invalid',
      reason: 'more than one Authorization header',
    });
  });

  it('treats a missing header and zot\'s empty "Basic Og==" as no credentials', () => {
    expect(parse()).toEqual({ kind: 'none' });
    expect(parse('Basic Og==')).toEqual({ kind: 'none' });
  });

  it('reads a bearer token and rejects unknown schemes and broken base64', () => {
    expect(parse('Bearer abc.def.ghi')).toEqual({ kind: 'bearer', token: 'abc.def.ghi' });
    expect(parse('Digest username="x"')).toMatchObject({ kind: 'invalid' });
    expect(parse('Basic !!!')).toMatchObject({ kind: 'invalid' });
    expect(parse(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toMatchObject({ kind: 'invalid' });
  });
});

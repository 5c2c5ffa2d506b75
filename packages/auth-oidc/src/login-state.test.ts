import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLoginStateCodec, type LoginState } from './login-state.js';

let clock = 1_700_000_000_000;
const options = {
  key: randomBytes(32),
  cookiePath: '/zot/auth/callback',
  secure: true,
  maxAgeSeconds: 600,
  now: () => new Date(clock),
};
const state: LoginState = {
  provider: 'oidc',
  state: 's',
  nonce: 'n',
  codeVerifier: 'v',
  callbackUi: '/home',
  expiresAt: clock + 600_000,
};

function requestWith(setCookie: string): Request {
  return new Request('https://registry.example.com/zot/auth/callback/oidc', {
    headers: { cookie: setCookie.split(';')[0] ?? '' },
  });
}

describe('LoginStateCodec', () => {
  it('round-trips the state through an encrypted Secure HttpOnly cookie', () => {
    const codec = createLoginStateCodec(options);
    const cookie = codec.issue(state);
    expect(cookie).toMatch(/; Path=\/zot\/auth\/callback; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/);
    expect(cookie).not.toContain('/home');
    expect(codec.read(requestWith(cookie))).toEqual(state);
  });

  it('refuses a tampered cookie, one sealed with another key, and an expired one', () => {
    const codec = createLoginStateCodec(options);
    const cookie = codec.issue(state);
    const value = cookie.split(';')[0] ?? '';
    const flipped = `${value.slice(0, -2)}${value.endsWith('AA') ? 'AB' : 'AA'}`;
    expect(codec.read(requestWith(flipped))).toBeUndefined();
    expect(
      createLoginStateCodec({ ...options, key: randomBytes(32) }).read(requestWith(cookie)),
    ).toBeUndefined();
    clock += 600_001;
    expect(codec.read(requestWith(cookie))).toBeUndefined();
  });

  it('clears the cookie with Max-Age=0 and refuses a key of the wrong size', () => {
    expect(createLoginStateCodec(options).clear()).toBe(
      'zot_oidc_login=; Path=/zot/auth/callback; Max-Age=0; HttpOnly; SameSite=Lax; Secure',
    );
    expect(() => createLoginStateCodec({ ...options, key: randomBytes(16) })).toThrow(RangeError);
  });
});

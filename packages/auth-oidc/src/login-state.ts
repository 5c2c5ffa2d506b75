// The state of one login in flight (state, nonce, PKCE verifier, provider, callback_ui), kept in the
// browser in an encrypted, authenticated, short-lived HttpOnly cookie. Nothing is kept server-side,
// so any instance of a scaled-out registry sharing the key can finish a login another one started.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readCookie, serializeCookie } from './cookies.js';

export const loginStateCookieName = 'zot_oidc_login';

export interface LoginState {
  provider: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  callbackUi?: string;
  /** Epoch milliseconds after which the login is refused. */
  expiresAt: number;
}

export interface LoginStateCodec {
  /** Set-Cookie value carrying the state. */
  issue(state: LoginState): string;
  /** The state from the request's cookie, or undefined when missing, tampered with or expired. */
  read(request: Request): LoginState | undefined;
  /** Set-Cookie value deleting the cookie. */
  clear(): string;
}

export interface LoginStateCodecOptions {
  /** 32 bytes for AES-256-GCM; share it across instances behind one load balancer. */
  key: Uint8Array;
  /** Only the callback needs the cookie: `<externalUrl path>/zot/auth/callback`. */
  cookiePath: string;
  secure: boolean;
  maxAgeSeconds: number;
  now: () => Date;
}

export function createLoginStateCodec(options: LoginStateCodecOptions): LoginStateCodec {
  if (options.key.byteLength !== 32) throw new RangeError('the login state key must be 32 bytes');
  const key = Buffer.from(options.key);
  const aad = Buffer.from(loginStateCookieName);

  function seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  function open(sealed: string): string | undefined {
    const bytes = Buffer.from(sealed, 'base64url');
    if (bytes.byteLength < 29) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
      decipher.setAAD(aad);
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }

  return {
    issue(state) {
      return serializeCookie(loginStateCookieName, seal(JSON.stringify(state)), {
        path: options.cookiePath,
        maxAgeSeconds: options.maxAgeSeconds,
        secure: options.secure,
      });
    },
    read(request) {
      const sealed = readCookie(request, loginStateCookieName);
      if (sealed === undefined) return undefined;
      const plaintext = open(sealed);
      if (plaintext === undefined) return undefined;
      let state: LoginState;
      try {
        state = JSON.parse(plaintext) as LoginState;
      } catch {
        return undefined;
      }
      if (typeof state.expiresAt !== 'number' || state.expiresAt <= options.now().getTime()) return undefined;
      return state;
    },
    clear() {
      return serializeCookie(loginStateCookieName, '', {
        path: options.cookiePath,
        maxAgeSeconds: 0,
        secure: options.secure,
      });
    },
  };
}

// Keys that protect the `session` cookie. `http.auth.sessionKeysFile` holds, as in zot,
// `{"hashKey": "...", "encryptKey": "..."}` (encryptKey optional). Without the file, random keys are
// made at start, so sessions do not outlive a restart (zot behaves the same).
//
// A cookie value is `v1.<base64url(iv | AES-256-GCM ciphertext | tag)>.<base64url(HMAC-SHA256)>`:
// encrypted (the session id is not readable) and signed with the hash key (an encrypt-then-MAC like
// gorilla/securecookie, which zot uses; the format itself differs, so zot's cookies are not accepted).
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';

export interface SessionKeys {
  hashKey: Uint8Array;
  encryptKey?: Uint8Array;
}

export class SessionKeysError extends Error {
  readonly code = 'SESSION_KEYS_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'SessionKeysError';
  }
}

export async function loadSessionKeysFile(path: string): Promise<SessionKeys> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new SessionKeysError(`${path}: ${(error as Error).message}`);
  }
  // zot decodes the file with mapstructure: keys match case-insensitively.
  const fields = new Map(Object.entries(parsed as object).map(([k, v]) => [k.toLowerCase(), v]));
  const hashKey = fields.get('hashkey');
  const encryptKey = fields.get('encryptkey');
  if (typeof hashKey !== 'string' || hashKey === '')
    throw new SessionKeysError(`${path}: hashKey is required`);
  if (encryptKey !== undefined && typeof encryptKey !== 'string') {
    throw new SessionKeysError(`${path}: encryptKey must be a string`);
  }
  return {
    hashKey: Buffer.from(hashKey, 'utf8'),
    ...(encryptKey ? { encryptKey: Buffer.from(encryptKey, 'utf8') } : {}),
  };
}

export function randomSessionKeys(): SessionKeys {
  return { hashKey: randomBytes(64), encryptKey: randomBytes(32) };
}

export interface CookieSealer {
  seal(payload: object): string;
  /** undefined when the value was not made with these keys or was altered. */
  unseal(value: string): unknown;
}

export function createCookieSealer(keys: SessionKeys): CookieSealer {
  // AES-256 needs exactly 32 bytes whatever the file holds: derive them.
  const aesKey = Buffer.from(
    hkdfSync('sha256', keys.encryptKey ?? keys.hashKey, Buffer.alloc(0), 'zot-ts session aes-256-gcm', 32),
  );
  const mac = (data: string): Buffer => createHmac('sha256', keys.hashKey).update(`session|${data}`).digest();

  return {
    seal(payload) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
      const body = Buffer.concat([
        iv,
        cipher.update(JSON.stringify(payload), 'utf8'),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
      const data = `v1.${body.toString('base64url')}`;
      return `${data}.${mac(data).toString('base64url')}`;
    },
    unseal(value) {
      const lastDot = value.lastIndexOf('.');
      if (!value.startsWith('v1.') || lastDot <= 3) return undefined;
      const data = value.slice(0, lastDot);
      const signature = Buffer.from(value.slice(lastDot + 1), 'base64url');
      const expected = mac(data);
      if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return undefined;
      const body = Buffer.from(data.slice(3), 'base64url');
      if (body.length < 12 + 16 + 1) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', aesKey, body.subarray(0, 12));
        decipher.setAuthTag(body.subarray(body.length - 16));
        const plain = Buffer.concat([decipher.update(body.subarray(12, body.length - 16)), decipher.final()]);
        return JSON.parse(plain.toString('utf8'));
      } catch {
        return undefined;
      }
    },
  };
}

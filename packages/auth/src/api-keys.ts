// API keys (`http.auth.apikey: true`): `zak_` + 32 hex digits, shown once at creation. Only the
// SHA-256 (hex) of the part after `zak_` is stored, as zot's hashUUID does, so a key leaked from
// the metadata store cannot be used. A key is presented as the password, with its owner's username.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRecord, MetaStore } from '@zot-ts/metastore';
import { parseApiKeyScopes } from './scopes.js';
import type { CredentialScope } from './types.js';

export const API_KEY_PREFIX = 'zak_';
const KEY_BODY = /^[0-9a-f]{32}$/;
/** lastUsed is written at most this often per key, so a push does not rewrite the store per request. */
const TOUCH_INTERVAL_MS = 60_000;

export interface ApiKeyServiceOptions {
  metaStore: Pick<MetaStore, 'apiKeys'>;
  now?: () => Date;
}

export interface CreateApiKeyInput {
  label: string;
  /** Scope strings or `{repositories, actions}` objects; empty means the owner's full rights (zot). */
  scopes?: unknown;
  expirationDate?: Date;
  userAgent?: string;
}

/** A key's public description: never its secret or its hash. */
export interface ApiKeyInfo {
  id: string;
  username: string;
  label: string;
  scopes: string[];
  credentialScopes?: CredentialScope[];
  createdAt: Date;
  expiresAt?: Date;
  lastUsedAt?: Date;
  creatorUserAgent: string;
  generatedBy: string;
  isExpired: boolean;
}

export type ApiKeyCheck =
  | { ok: true; key: ApiKeyInfo }
  | {
      ok: false;
      reason: 'not an api key' | 'unknown api key' | 'api key of another user' | 'api key expired';
    };

export interface ApiKeyService {
  create(username: string, input: CreateApiKeyInput): Promise<{ apiKey: string; key: ApiKeyInfo }>;
  list(username: string): Promise<ApiKeyInfo[]>;
  revoke(username: string, id: string): Promise<boolean>;
  check(username: string, presented: string): Promise<ApiKeyCheck>;
}

export const hashApiKeySecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');
export const looksLikeApiKey = (password: string): boolean => password.startsWith(API_KEY_PREFIX);

export function createApiKeyService(options: ApiKeyServiceOptions): ApiKeyService {
  const store = options.metaStore.apiKeys;
  const now = options.now ?? (() => new Date());

  const toInfo = (record: ApiKeyRecord): ApiKeyInfo => {
    const { hashedKey: _hidden, ...rest } = record;
    return { ...rest, isExpired: record.expiresAt !== undefined && record.expiresAt <= now() };
  };

  return {
    async create(username, input) {
      const { scopes, credentialScopes } = parseApiKeyScopes(input.scopes);
      const secret = randomBytes(16).toString('hex');
      const record: ApiKeyRecord = {
        id: randomUUID(),
        username,
        hashedKey: hashApiKeySecret(secret),
        label: input.label,
        scopes,
        createdAt: now(),
        creatorUserAgent: input.userAgent ?? '',
        generatedBy: 'manual',
      };
      if (credentialScopes.length > 0) record.credentialScopes = credentialScopes;
      if (input.expirationDate) record.expiresAt = input.expirationDate;
      await store.create(record);
      return { apiKey: `${API_KEY_PREFIX}${secret}`, key: toInfo(record) };
    },

    async list(username) {
      return (await store.listByUser(username)).map(toInfo);
    },

    revoke(username, id) {
      return store.revoke(id, { username });
    },

    async check(username, presented) {
      const secret = presented.slice(API_KEY_PREFIX.length);
      if (!looksLikeApiKey(presented) || !KEY_BODY.test(secret))
        return { ok: false, reason: 'not an api key' };
      const hashedKey = hashApiKeySecret(secret);
      const record = await store.findByHash(hashedKey);
      if (!record || !equalHex(record.hashedKey, hashedKey)) return { ok: false, reason: 'unknown api key' };
      if (!equalHex(hashApiKeySecret(record.username), hashApiKeySecret(username))) {
        return { ok: false, reason: 'api key of another user' };
      }
      const at = now();
      if (record.expiresAt !== undefined && record.expiresAt <= at)
        return { ok: false, reason: 'api key expired' };
      if (!record.lastUsedAt || at.getTime() - record.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
        await store.touchLastUsed(hashedKey, at);
        record.lastUsedAt = at;
      }
      return { ok: true, key: toInfo(record) };
    },
  };
}

function equalHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

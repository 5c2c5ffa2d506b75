// Framework-free handlers for zot's `/zot/auth/apikey` routes, with zot's JSON shapes
// (mTypes.APIKeyDetails: createdAt, expirationDate, isExpired, creatorUa, generatedBy, lastUsed,
// label, scopes, uuid; `apiKey` added once on creation; `{"apiKeys":[...]}` for the list).
import { readTextWithin } from '@zot-ts/oci-store';
import { parseApiKeyRequest } from './api-key-request.js';
import type { ApiKeyInfo, ApiKeyService } from './api-keys.js';
import { ScopeSyntaxError } from './scopes.js';
import type { Identity } from './types.js';

/** zot's MaxAPIKeyBodySize. */
const MAX_BODY_BYTES = 4 * 1024;
/** Go's zero time.Time, which zot sends for "never". */
const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

export type ApiKeyHandler = (request: Request, identity: Identity | undefined) => Promise<Response>;

export interface ApiKeyHandlers {
  /** Dispatches on the method: POST create, GET list, DELETE revoke; 405 otherwise. */
  handle: ApiKeyHandler;
  create: ApiKeyHandler;
  list: ApiKeyHandler;
  revoke: ApiKeyHandler;
}

export function toZotApiKeyDetails(key: ApiKeyInfo): Record<string, unknown> {
  return {
    createdAt: key.createdAt.toISOString(),
    expirationDate: key.expiresAt?.toISOString() ?? GO_ZERO_TIME,
    isExpired: key.isExpired,
    creatorUa: key.creatorUserAgent,
    generatedBy: key.generatedBy,
    lastUsed: key.lastUsedAt?.toISOString() ?? GO_ZERO_TIME,
    label: key.label,
    scopes: key.scopes,
    uuid: key.id,
  };
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const empty = (status: number): Response => new Response(null, { status });

/**
 * A limited credential (a scoped API key, a bearer token) must not mint keys: a new key would carry
 * its owner's full rights and escape the limit.
 */
function refusal(identity: Identity | undefined): Response | undefined {
  if (!identity) return empty(401);
  if (identity.credentialScopes !== undefined || identity.method === 'apikey') return empty(403);
  return undefined;
}

export function createApiKeyHandlers(
  service: ApiKeyService,
  options: { now?: () => Date } = {},
): ApiKeyHandlers {
  const now = options.now ?? (() => new Date());

  const create: ApiKeyHandler = async (request, identity) => {
    const refused = refusal(identity);
    if (refused || !identity) return refused ?? empty(401);
    const text = await readTextWithin(request, MAX_BODY_BYTES);
    if (text === undefined) return empty(413);
    const parsed = parseApiKeyRequest(text, now());
    if (!parsed.ok) return json(400, { error: parsed.reason });
    const { label, scopes, expirationDate } = parsed.request;
    try {
      const created = await service.create(identity.username, {
        label,
        ...(scopes === undefined ? {} : { scopes }),
        ...(expirationDate ? { expirationDate } : {}),
        userAgent: request.headers.get('user-agent') ?? '',
      });
      return json(201, { ...toZotApiKeyDetails(created.key), apiKey: created.apiKey });
    } catch (error) {
      if (error instanceof ScopeSyntaxError) return json(400, { error: error.message });
      throw error;
    }
  };

  const list: ApiKeyHandler = async (_request, identity) => {
    if (!identity) return empty(401);
    const keys = await service.list(identity.username);
    return json(200, { apiKeys: keys.map(toZotApiKeyDetails) });
  };

  const revoke: ApiKeyHandler = async (request, identity) => {
    const refused = refusal(identity);
    if (refused || !identity) return refused ?? empty(401);
    const ids = new URL(request.url).searchParams.getAll('id');
    if (ids.length !== 1 || ids[0] === '') return empty(400);
    return empty((await service.revoke(identity.username, ids[0] as string)) ? 200 : 404);
  };

  const handle: ApiKeyHandler = (request, identity) => {
    switch (request.method) {
      case 'POST':
        return create(request, identity);
      case 'GET':
        return list(request, identity);
      case 'DELETE':
        return revoke(request, identity);
      default:
        return Promise.resolve(new Response(null, { status: 405, headers: { allow: 'GET, POST, DELETE' } }));
    }
  };

  return { handle, create, list, revoke };
}

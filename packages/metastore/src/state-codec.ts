// JSON encoding of one collection of the in-memory index, as the file store writes it:
// `{ "version": 1, "records": [...] }` with dates as ISO-8601 strings.
import type { CollectionName, MetaState } from './meta-state.js';
import { MetaStoreError } from './types.js';

const FORMAT_VERSION = 1;

/** Date fields per collection: revived from ISO strings on load. */
const DATE_FIELDS: Record<CollectionName, readonly string[]> = {
  users: ['createdAt', 'lastLoginAt'],
  apiKeys: ['createdAt', 'expiresAt', 'lastUsedAt'],
  sessions: ['createdAt', 'expiresAt'],
  tagTimes: ['pushedAt', 'lastPulledAt'],
  signatureResults: ['checkedAt'],
};

function recordsOf(state: MetaState, collection: CollectionName): unknown[] {
  switch (collection) {
    case 'users':
      return [...state.users.values()];
    case 'apiKeys':
      return [...state.apiKeys.values()];
    case 'sessions':
      return [...state.sessions.values()];
    case 'tagTimes':
      return [...state.tagTimes.values()];
    case 'signatureResults':
      return [...state.signatureResults.values()];
  }
}

export function encodeCollection(state: MetaState, collection: CollectionName): string {
  // JSON.stringify turns Date into its ISO string.
  return `${JSON.stringify({ version: FORMAT_VERSION, records: recordsOf(state, collection) })}\n`;
}

function revive(record: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  for (const field of fields) {
    const value = record[field];
    if (typeof value === 'string') record[field] = new Date(value);
  }
  return record;
}

/** Loads one collection's file content into `state`; throws MetaStoreError('CORRUPT') on a bad file. */
export function decodeCollection(
  state: MetaState,
  collection: CollectionName,
  text: string,
  source: string,
): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new MetaStoreError('CORRUPT', `${source}: not JSON`, { cause });
  }
  const body = parsed as { version?: unknown; records?: unknown };
  if (body.version !== FORMAT_VERSION || !Array.isArray(body.records)) {
    throw new MetaStoreError('CORRUPT', `${source}: expected {"version":1,"records":[...]}`);
  }
  for (const raw of body.records as Record<string, unknown>[]) {
    const record = revive({ ...raw }, DATE_FIELDS[collection]) as never;
    switch (collection) {
      case 'users':
        state.users.set((record as { username: string }).username, record);
        break;
      case 'apiKeys': {
        const key = record as { id: string; hashedKey: string };
        state.apiKeys.set(key.id, record);
        state.apiKeyIdByHash.set(key.hashedKey, key.id);
        break;
      }
      case 'sessions':
        state.sessions.set((record as { id: string }).id, record);
        break;
      case 'tagTimes': {
        const tagTime = record as { repository: string; tag: string };
        state.tagTimes.set(`${tagTime.repository}\0${tagTime.tag}`, record);
        break;
      }
      case 'signatureResults':
        state.signatureResults.set((record as { manifestDigest: string }).manifestDigest, record);
        break;
    }
  }
}

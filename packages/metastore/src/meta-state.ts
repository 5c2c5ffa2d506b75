// The in-memory index behind every embedded store: five collections in Maps, and the role
// interfaces implemented over them. Persistence is someone else's job: each mutation calls
// `persist(collection)` and resolves when that promise does (immediately for the memory store,
// after the atomic file write for the file store).

import { createMemoryRepoMetaBackend, type RepoMetaBackend } from './repo-meta-backend.js';
import { createRepoMetaStore, createUserPrefsStore } from './repo-meta-store.js';
import {
  type ApiKeyRecord,
  type ApiKeyStore,
  type MetaStore,
  MetaStoreError,
  type SessionRecord,
  type SessionStore,
  type SignatureResult,
  type SignatureResultStore,
  type StorageSyncStore,
  type TagTimeRecord,
  type TagTimeStore,
  type UserRecord,
  type UserStore,
} from './types.js';

export type CollectionName = 'users' | 'apiKeys' | 'sessions' | 'tagTimes' | 'signatureResults';
export const COLLECTION_NAMES: readonly CollectionName[] = [
  'users',
  'apiKeys',
  'sessions',
  'tagTimes',
  'signatureResults',
];

export interface MetaState {
  users: Map<string, UserRecord>;
  /** By id. */
  apiKeys: Map<string, ApiKeyRecord>;
  /** hashedKey -> id. */
  apiKeyIdByHash: Map<string, string>;
  sessions: Map<string, SessionRecord>;
  /** By `${repository}\0${tag}`. */
  tagTimes: Map<string, TagTimeRecord>;
  signatureResults: Map<string, SignatureResult>;
}

export function emptyState(): MetaState {
  return {
    users: new Map(),
    apiKeys: new Map(),
    apiKeyIdByHash: new Map(),
    sessions: new Map(),
    tagTimes: new Map(),
    signatureResults: new Map(),
  };
}

const copy = <T>(value: T): T => structuredClone(value);
const sortedUnique = (values: string[]): string[] => [...new Set(values)].sort();
const tagKey = (repository: string, tag: string): string => `${repository}\0${tag}`;
const isDigest = (reference: string): boolean => reference.includes(':');

export function createStateStore(
  state: MetaState,
  persist: (collection: CollectionName) => Promise<void>,
  close: () => Promise<void>,
  // The file store keeps repository metadata in memory only (it is parsed from storage again on start); the LMDB
  // store in packages/metadb persists it.
  repoMetaBackend: RepoMetaBackend = createMemoryRepoMetaBackend(),
): MetaStore {
  const users: UserStore = {
    async get(username) {
      const found = state.users.get(username);
      return found ? copy(found) : undefined;
    },
    async upsert(username, profile) {
      const existing = state.users.get(username);
      const next: UserRecord = {
        ...(existing ?? { username, createdAt: new Date() }),
        groups: sortedUnique(profile.groups),
      };
      state.users.set(username, next);
      await persist('users');
      return copy(next);
    },
    async recordLogin(username, at) {
      const existing = state.users.get(username) ?? { username, groups: [], createdAt: at };
      state.users.set(username, { ...existing, lastLoginAt: at });
      await persist('users');
    },
  };

  const apiKeys: ApiKeyStore = {
    async create(record) {
      if (state.apiKeys.has(record.id) || state.apiKeyIdByHash.has(record.hashedKey)) {
        throw new MetaStoreError('CONFLICT', `api key ${record.id} already exists`);
      }
      state.apiKeys.set(record.id, copy(record));
      state.apiKeyIdByHash.set(record.hashedKey, record.id);
      await persist('apiKeys');
    },
    async listByUser(username) {
      return [...state.apiKeys.values()]
        .filter((key) => key.username === username)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
        .map(copy);
    },
    async findByHash(hashedKey) {
      const id = state.apiKeyIdByHash.get(hashedKey);
      const found = id === undefined ? undefined : state.apiKeys.get(id);
      return found ? copy(found) : undefined;
    },
    async revoke(id, owner) {
      const found = state.apiKeys.get(id);
      if (!found || (owner && found.username !== owner.username)) return false;
      state.apiKeys.delete(id);
      state.apiKeyIdByHash.delete(found.hashedKey);
      await persist('apiKeys');
      return true;
    },
    async touchLastUsed(hashedKey, at) {
      const id = state.apiKeyIdByHash.get(hashedKey);
      const found = id === undefined ? undefined : state.apiKeys.get(id);
      if (!found) return;
      found.lastUsedAt = at;
      await persist('apiKeys');
    },
  };

  const sessions: SessionStore = {
    async create(record) {
      if (state.sessions.has(record.id)) throw new MetaStoreError('CONFLICT', 'session id already exists');
      state.sessions.set(record.id, copy(record));
      await persist('sessions');
    },
    async get(id, now = new Date()) {
      const found = state.sessions.get(id);
      if (!found || found.expiresAt.getTime() <= now.getTime()) return undefined;
      return copy(found);
    },
    async revoke(id) {
      if (!state.sessions.delete(id)) return false;
      await persist('sessions');
      return true;
    },
    async purgeExpired(now) {
      let removed = 0;
      for (const [id, session] of state.sessions) {
        if (session.expiresAt.getTime() <= now.getTime()) {
          state.sessions.delete(id);
          removed++;
        }
      }
      if (removed > 0) await persist('sessions');
      return removed;
    },
  };

  const tagTimes: TagTimeStore = {
    async recordPush(repository, tag, digest, at) {
      const existing = state.tagTimes.get(tagKey(repository, tag));
      // A re-push of the same digest keeps the pull history; a new digest starts afresh.
      const keepPulls = existing !== undefined && existing.digest === digest;
      const next: TagTimeRecord = { repository, tag, digest, pushedAt: at, pullCount: 0 };
      if (keepPulls) {
        next.pullCount = existing.pullCount;
        if (existing.lastPulledAt) next.lastPulledAt = existing.lastPulledAt;
      }
      state.tagTimes.set(tagKey(repository, tag), next);
      await persist('tagTimes');
    },
    async recordPull(repository, reference, at) {
      const matches = isDigest(reference)
        ? [...state.tagTimes.values()].filter((t) => t.repository === repository && t.digest === reference)
        : [state.tagTimes.get(tagKey(repository, reference))].filter((t) => t !== undefined);
      if (matches.length === 0) return;
      for (const record of matches) {
        record.lastPulledAt = at;
        record.pullCount++;
      }
      await persist('tagTimes');
    },
    async list(repository) {
      return [...state.tagTimes.values()]
        .filter((t) => t.repository === repository)
        .sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0))
        .map(copy);
    },
    async forget(repository, tag) {
      if (state.tagTimes.delete(tagKey(repository, tag))) await persist('tagTimes');
    },
  };

  const signatureResults: SignatureResultStore = {
    async get(manifestDigest) {
      const found = state.signatureResults.get(manifestDigest);
      return found ? copy(found) : undefined;
    },
    async put(result) {
      state.signatureResults.set(result.manifestDigest, copy(result));
      await persist('signatureResults');
    },
    async delete(manifestDigest) {
      if (state.signatureResults.delete(manifestDigest)) await persist('signatureResults');
    },
  };

  const repos = createRepoMetaStore(repoMetaBackend);
  const userPrefs = createUserPrefsStore(repoMetaBackend);
  const fingerprints = new Map<string, string>();
  const storageSync: StorageSyncStore = {
    all: async () => new Map(fingerprints),
    set: async (repository, fingerprint) => void fingerprints.set(repository, fingerprint),
    clear: async (repository) => void fingerprints.delete(repository),
  };
  return { users, apiKeys, sessions, tagTimes, signatureResults, repos, userPrefs, storageSync, close };
}

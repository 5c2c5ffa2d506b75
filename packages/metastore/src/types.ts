import type { RepoMetaStore, UserPrefsStore } from './repo-meta-types.js';

// The metadata store's records and its small role interfaces.
// Every implementation (memory, files under the storage root, Redis later) runs the shared suite in
// test/meta-store-contract.ts. Records handed out are copies: mutating them never changes the store.

/** A user seen by the registry (htpasswd, LDAP, OIDC...): zot keeps the same per-user profile in its MetaDB. */
export interface UserRecord {
  username: string;
  /** Sorted, deduplicated. */
  groups: string[];
  createdAt: Date;
  lastLoginAt?: Date;
}

export interface UserStore {
  get(username: string): Promise<UserRecord | undefined>;
  /** Creates the user or replaces its groups; keeps createdAt and lastLoginAt. */
  upsert(username: string, profile: { groups: string[] }): Promise<UserRecord>;
  /** Creates the user (without groups) when unknown. */
  recordLogin(username: string, at: Date): Promise<void>;
}

export type ApiKeyAction = 'read' | 'create' | 'update' | 'delete';

/** What a key may do: any repository matching one of the globs, with one of the actions. */
export interface ApiKeyScope {
  repositories: string[];
  actions: ApiKeyAction[];
}

export interface ApiKeyRecord {
  /** Public identifier (a UUID), used to revoke; never the secret. */
  id: string;
  username: string;
  /** Lowercase hex SHA-256 of the secret part of the key (after `zak_`), as zot stores it. */
  hashedKey: string;
  label: string;
  /** The scopes as the client sent them (zot's `scopes: []string`). */
  scopes: string[];
  /** Parsed scopes; absent means the key has all of its owner's rights (zot's behaviour). */
  credentialScopes?: ApiKeyScope[];
  createdAt: Date;
  /** Absent: never expires. */
  expiresAt?: Date;
  lastUsedAt?: Date;
  creatorUserAgent: string;
  generatedBy: string;
}

export interface ApiKeyStore {
  /** Rejects with MetaStoreError('CONFLICT') when the id or the hash already exists. */
  create(record: ApiKeyRecord): Promise<void>;
  listByUser(username: string): Promise<ApiKeyRecord[]>;
  findByHash(hashedKey: string): Promise<ApiKeyRecord | undefined>;
  /** Deletes the key when it exists and, if `username` is given, belongs to that user. */
  revoke(id: string, owner?: { username: string }): Promise<boolean>;
  touchLastUsed(hashedKey: string, at: Date): Promise<void>;
}

export interface SessionRecord {
  id: string;
  username: string;
  groups: string[];
  /** How the user logged in ('basic', 'oidc', ...). */
  method: string;
  claims?: Record<string, unknown>;
  /** OpenID Connect logins: the provider key, and the ID token kept for RP-initiated logout's id_token_hint. */
  provider?: string;
  idToken?: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface SessionStore {
  create(record: SessionRecord): Promise<void>;
  /** An expired session is not returned. */
  get(id: string, now?: Date): Promise<SessionRecord | undefined>;
  revoke(id: string): Promise<boolean>;
  /** Removes sessions expired at `now`; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}

/** Per-tag push and pull times, for retention policies (pushedWithin, pulledWithin, most recent counts). */
export interface TagTimeRecord {
  repository: string;
  tag: string;
  digest: string;
  pushedAt: Date;
  lastPulledAt?: Date;
  pullCount: number;
}

export interface TagTimeStore {
  recordPush(repository: string, tag: string, digest: string, at: Date): Promise<void>;
  /** `reference` is a tag, or a digest: a pull by digest counts for every tag pointing at it. */
  recordPull(repository: string, reference: string, at: Date): Promise<void>;
  list(repository: string): Promise<TagTimeRecord[]>;
  forget(repository: string, tag: string): Promise<void>;
}

export interface SignatureCheck {
  /** 'cosign', 'notation', ... */
  tool: string;
  verified: boolean;
  signer?: string;
  detail?: string;
}

/** The outcome of checking a manifest's signatures, cached by manifest digest. */
export interface SignatureResult {
  manifestDigest: string;
  checkedAt: Date;
  verified: boolean;
  signatures: SignatureCheck[];
  /** What the result was computed from (signatures found, trusted keys); a reader whose own differs recomputes. */
  basis?: string;
}

export interface SignatureResultStore {
  get(manifestDigest: string): Promise<SignatureResult | undefined>;
  put(result: SignatureResult): Promise<void>;
  delete(manifestDigest: string): Promise<void>;
}

/** An opaque fingerprint of a repository's index.json (e.g. its size and modification time). */
export interface StorageSyncStore {
  /** Every repository with a fingerprint. */
  all(): Promise<Map<string, string>>;
  set(repository: string, fingerprint: string): Promise<void>;
  /** Forgets the fingerprint: the repository is re-read on the next start. */
  clear(repository: string): Promise<void>;
}

export interface MetaStore {
  users: UserStore;
  apiKeys: ApiKeyStore;
  sessions: SessionStore;
  tagTimes: TagTimeStore;
  signatureResults: SignatureResultStore;
  /** Repository and image metadata (zot's RepoMeta/ImageMeta), kept in step with storage by the registry. */
  repos: RepoMetaStore;
  /** Stars and bookmarks. */
  userPrefs: UserPrefsStore;
  /**
   * Per repository, what storage looked like when its metadata was last known to match it, so a restart re-reads
   * only repositories that changed (zot's GetRepoLastUpdated in ParseStorage). Optional: a store without it makes
   * the registry parse every repository on start.
   */
  storageSync?: StorageSyncStore;
  /** Waits for pending writes; the store must not be used afterwards. */
  close(): Promise<void>;
}

export type MetaStoreErrorCode = 'CONFLICT' | 'CORRUPT' | 'CLOSED';

export class MetaStoreError extends Error {
  readonly code: MetaStoreErrorCode;
  constructor(code: MetaStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MetaStoreError';
    this.code = code;
  }
}

// The `storage` section, as zot v2.1.17 spells it (pkg/api/config/config.go: GlobalStorageConfig,
// StorageConfig, ImageRetention). Durations stay Go strings; read them with parseDuration().

/** One keepTags rule: a tag is kept when it matches `patterns` and any of the other criteria. */
export interface KeepTagsConfig {
  /** Regular expressions (Go RE2 syntax) matched against tag names. */
  patterns: string[];
  pulledWithin?: string;
  pushedWithin?: string;
  mostRecentlyPushedCount?: number;
  mostRecentlyPulledCount?: number;
}

export interface RetentionPolicyConfig {
  /** Doublestar globs of repository names this policy applies to. */
  repositories: string[];
  deleteReferrers: boolean;
  deleteUntagged: boolean;
  keepTags: KeepTagsConfig[];
}

export interface RetentionConfig {
  dryRun: boolean;
  /** Go duration; zot defaults it to gcDelay when gc is on, "0s" when gc is off. */
  delay: string;
  policies: RetentionPolicyConfig[];
}

/** A storage driver block, passed to the driver as it is (distribution's s3 parameters and so on). */
export interface StorageDriverConfig {
  name: 's3' | 'gcs';
  [parameter: string]: unknown;
}

/** The remote dedupe cache (boltdb is the local default; dynamodb and redis are remote). */
export interface CacheDriverConfig {
  name: 'boltdb' | 'dynamodb' | 'redis';
  [parameter: string]: unknown;
}

/** The settings shared by the global storage and every subPaths entry. */
export interface StorageOptions {
  /** '' when the file gives only a storageDriver (its `rootdirectory` is the remote root): zot's loader
   *  accepts that, its server refuses it ("no storage config provided"), and so does ours. */
  rootDirectory: string;
  dedupe: boolean;
  /** Defaults to true when a storageDriver is set and dedupe is on, false otherwise (zot's rule). */
  remoteCache: boolean;
  gc: boolean;
  commit: boolean;
  gcDelay: string;
  gcInterval: string;
  maxRepos?: number;
  retention?: RetentionConfig;
  storageDriver?: StorageDriverConfig;
  cacheDriver?: CacheDriverConfig;
}

/** Storage for repositories under a route prefix (the map key, e.g. "/a"). */
export type SubPathStorageConfig = StorageOptions;

export interface StorageConfig extends StorageOptions {
  subPaths?: Record<string, SubPathStorageConfig>;
}

// `storage`: zot v2.1.17 GlobalStorageConfig. Defaults are zot's (storageConstants.DefaultGCDelay and
// DefaultGCInterval are both 1h; dedupe and gc on). Defaults that depend on other keys (remoteCache,
// retention.delay, gcDelay when gc is off) are applied in dependent-defaults.ts, as zot's applyDefaultValues does.

import type { SchemaNode } from './builders.js';
import {
  arrayOf,
  bool,
  driverBlock,
  duration,
  int,
  mapOf,
  nonEmpty,
  object,
  ref,
  strings,
} from './builders.js';

const keepTags = object('Which tags a retention policy keeps; a tag is kept if any rule keeps it.', {
  patterns: strings('Regular expressions (Go RE2 syntax) of tag names this rule covers.', {
    default: ['.*'],
  }),
  pulledWithin: duration('Keep tags pulled within this long.'),
  pushedWithin: duration('Keep tags pushed within this long.'),
  mostRecentlyPushedCount: int('Keep this many most recently pushed tags.', { minimum: 0 }),
  mostRecentlyPulledCount: int('Keep this many most recently pulled tags.', { minimum: 0 }),
});

const retentionPolicy = object('One retention policy, applied to the repositories it names.', {
  repositories: strings('Doublestar globs of repository names this policy applies to.', { default: [] }),
  deleteReferrers: bool('Delete referrers (signatures, SBOMs) whose subject is gone.', false),
  deleteUntagged: bool('Delete manifests that no tag points at.', true),
  keepTags: arrayOf('Rules for the tags to keep; without any, every tag is kept.', keepTags, {
    default: [{ patterns: ['.*'] }],
  }),
});

const retention = object('Which images garbage collection deletes beyond unreferenced blobs.', {
  dryRun: bool('Log what would be deleted without deleting it.', false),
  delay: duration('How long untagged manifests and orphan referrers live; defaults to gcDelay.'),
  policies: arrayOf('Retention policies; the first whose repositories match applies.', retentionPolicy, {
    default: [],
  }),
});

/** The keys shared by the global storage and every subPaths entry. */
export function storageOptionsProperties(): Record<string, SchemaNode> {
  return {
    rootDirectory: nonEmpty('Directory (or bucket prefix, with a storageDriver) holding the repositories.'),
    dedupe: bool('Store identical blobs once (hard links on disk, a cache database remotely).', true),
    remoteCache: bool(
      'Keep the dedupe cache in cacheDriver; defaults to true with a storageDriver and dedupe.',
    ),
    gc: bool('Run garbage collection.', true),
    commit: bool('fsync blobs and index.json before answering a push.', false),
    gcDelay: duration('Minimum age of an unreferenced blob before GC removes it.', '1h'),
    gcInterval: duration('How often GC runs over every repository.', '1h'),
    maxRepos: int(
      'Maximum number of repositories (names holding a manifest); the manifest push that would create one more gets 429 TOOMANYREQUESTS. Unset or 0: no limit. Only the top-level value counts, over all storage roots (ignored inside subPaths, as zot).',
      { minimum: 0 },
    ),
    retention: ref('retention'),
    storageDriver: driverBlock('Remote storage parameters (distribution driver style, e.g. s3).', [
      's3',
      'gcs',
    ]),
    cacheDriver: driverBlock('Remote dedupe cache parameters.', ['boltdb', 'dynamodb', 'redis']),
  };
}

export const storageDefs: Record<string, SchemaNode> = {
  retention,
  subPathStorage: object(
    'Storage for repositories whose names start with the route in the key.',
    storageOptionsProperties(),
    { required: ['rootDirectory'] },
  ),
};

export const storageSchema: SchemaNode = object(
  'Where and how images are stored.',
  {
    ...storageOptionsProperties(),
    subPaths: mapOf('Separate storage per route prefix ("/a": {...}).', ref('subPathStorage')),
  },
  // rootDirectory is required unless a storageDriver names the remote root (checks-storage.ts), as zot's
  // loader accepts it; zot's server then refuses to start without it ("no storage config provided").
);

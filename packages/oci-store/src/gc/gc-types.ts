// The options, ports and results of garbage collection and retention. The store knows neither the
// config file nor the metadata store nor cosign: the registry maps `storage.gc*`/`storage.retention`
// onto these options and passes the two ports (tag times from the metastore, cosign's isSignature).
import type { Store } from '../store-types.js';

/** One `keepTags` entry; durations already in milliseconds. */
export interface KeepTagsRule {
  /** Regular expressions (RE2 syntax as zot's config; unanchored, as Go's MatchString). Empty or absent: every tag. */
  patterns?: string[];
  pulledWithinMs?: number;
  pushedWithinMs?: number;
  mostRecentlyPushedCount?: number;
  mostRecentlyPulledCount?: number;
}

export interface RetentionPolicy {
  /** doublestar globs of repository names; the first policy with a matching glob applies. */
  repositories: string[];
  /** Delete referrers whose subject is gone. zot's default for a matching policy: false. */
  deleteReferrers?: boolean;
  /** Delete untagged manifests. zot's default for a matching policy: true. */
  deleteUntagged?: boolean;
  /** Empty or absent: every tag is kept. */
  keepTags?: KeepTagsRule[];
}

export interface RetentionOptions {
  /** Report tag and manifest decisions only; blobs and uploads are still collected (zot). */
  dryRun?: boolean;
  /** Untagged manifests and referrers go only once older than this; default: the job's delayMs (zot: gcDelay). */
  delayMs?: number;
  policies: RetentionPolicy[];
}

/** Push and pull times per tag (the registry adapts @zot-ts/metastore's tagTimes). */
export interface TagTimes {
  list(repository: string): Promise<Array<{ tag: string; digest: string; pushedAt?: Date; pulledAt?: Date }>>;
}

/** What isSignature is asked about one manifest of the index. */
export interface SignatureCandidate {
  repository: string;
  tag?: string;
  /** The manifest's exact bytes. */
  manifest: Uint8Array;
  digest: string;
}

/** True for artifacts that belong to the image they sign: kept while it lives, removed with it. */
export type IsSignature = (candidate: SignatureCandidate) => boolean;

export type GcKind = 'blob' | 'manifest' | 'upload' | 'tag';

/** One deletion GC or retention made (or, with dryRun, would make); for the audit log. */
export interface GcDecision {
  repository: string;
  kind: GcKind;
  digest?: string;
  tag?: string;
  reason: string;
  dryRun: boolean;
  /** Bytes of the deleted file (blobs and uploads). */
  size?: number;
}

/** Deletions made; `dryRun` holds what dry-run decisions would have deleted instead. */
export interface GcCounts {
  blob: number;
  manifest: number;
  upload: number;
  tag: number;
  reclaimedBytes: number;
  dryRun: { blob: number; manifest: number; upload: number; tag: number };
}

export interface GcRunSummary extends GcCounts {
  repositories: number;
  /** Repositories whose run failed; the others still ran. */
  failures: Array<{ repository: string; error: string }>;
}

export interface GcJobOptions {
  store: Store;
  /** Blobs, uploads and crash leftovers go only once older than this (zot `gcDelay`; default 1h). */
  delayMs?: number;
  /** Default for repositories no retention policy matches. Default true (zot). */
  deleteUntagged?: boolean;
  /** Default for repositories no retention policy matches. Default true. */
  deleteReferrers?: boolean;
  retention?: RetentionOptions;
  /** Default: cosign `sha256-<hex>.sig|.att|.sbom` tags and any manifest with a `subject`. */
  isSignature?: IsSignature;
  /** Without it, keepTags rules other than `patterns` cannot be judged and only patterns decide (zot). */
  tagTimes?: TagTimes;
  /** Report everything, delete nothing (`zot verify-feature retention`). */
  dryRun?: boolean;
  now?: () => Date;
  onDecision?: (decision: GcDecision) => void;
}

export interface GcJob {
  runRepository(repository: string, signal?: AbortSignal): Promise<GcCounts>;
  runAll(signal?: AbortSignal): Promise<GcRunSummary>;
}

export function emptyCounts(): GcCounts {
  return {
    blob: 0,
    manifest: 0,
    upload: 0,
    tag: 0,
    reclaimedBytes: 0,
    dryRun: { blob: 0, manifest: 0, upload: 0, tag: 0 },
  };
}

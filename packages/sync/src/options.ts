// The library's own options (compose.ts maps zot's extensions.sync onto them) and what it reports.
import type { Credentials } from '@zot-ts/oci-client';
import type { Store } from '@zot-ts/oci-store';
import type { ContentRule } from './content.js';

export interface UpstreamOptions {
  /** Tried in order: a URL that cannot be reached fails over to the next. */
  urls: string[];
  onDemand: boolean;
  /** Periodic sync every this many ms; needs `content` (zot: both, else no periodic sync). */
  pollIntervalMs?: number;
  content: ContentRule[];
  tlsVerify: boolean;
  certDir?: string;
  /** Per-request retries and whole-image retries (zot's maxRetries). Default 3. */
  maxRetries: number;
  retryDelayMs: number;
  onlySigned: boolean;
  syncLegacyCosignTags: boolean;
  preserveDigest: boolean;
  /** Bound on one image copy (zot's syncTimeout, default 3 h). */
  syncTimeoutMs: number;
  /** Requests in flight to this upstream. Default 8. */
  maxConcurrent?: number;
}

export interface SyncLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type SyncOutcome = 'synced' | 'unchanged' | 'failed' | 'notFound' | 'notSigned';

/** One image handled, for metrics and tests. */
export interface SyncReport {
  upstream: string;
  repository: string;
  reference: string;
  outcome: SyncOutcome;
  mode: 'periodic' | 'onDemand';
  /** Blob bytes fetched. */
  bytes: number;
  error?: string;
}

export interface SyncOptions {
  store: Store;
  upstreams: UpstreamOptions[];
  /** `host[:port]` -> credentials (zot's credentialsFile). */
  credentials?: Record<string, Credentials>;
  logger?: SyncLogger;
  onReport?: (report: SyncReport) => void;
  /** How long a tag just checked upstream is taken as current (a burst of pulls asks once). Default 5 s. */
  recheckMs?: number;
}

// A feature is one slice of the config turned into library options and wired into the app: auth, metrics,
// signatures, GC. compose.ts runs them in order and merges what they return; each lives in its own file.
import type { ZotConfig } from '@zot-ts/config';
import type { EventRecorder } from '@zot-ts/events';
import type { RegistryMetrics } from '@zot-ts/gc-metrics';
import type { MetaStore } from '@zot-ts/metastore';
import type { OciApiEnv, OciApiObserver, OciApiOptions } from '@zot-ts/oci-api';
import type { Store } from '@zot-ts/oci-store';
import type { Hono, MiddlewareHandler } from 'hono';
import type { Logger, LogSink } from '../log-sink.js';
import type { AuthFeature } from './auth.js';
import type { SignatureTrustSource } from './metadata-trust.js';
import type { ScaleOut } from './scale-out.js';

export interface FeatureContext {
  config: ZotConfig;
  store: Store;
  logger: Logger;
  /** The audit log (log.audit), when configured: GC and retention decisions go there. */
  audit?: LogSink;
  /** Users, API keys, sessions, tag push/pull times, signature results; under the storage root. */
  metaStore: MetaStore;
  /** Set once the auth feature has run: who is calling, and what they may do (used by /metrics, key upload...). */
  auth?: AuthFeature;
  /** Set by the metrics feature when extensions.metrics is on: other features add their counters to it. */
  metrics?: RegistryMetrics;
  /** Set by the events feature when extensions.events is on: lint reports lint_failed through it. */
  events?: EventRecorder;
  /** Set by the signatures feature when extensions.trust is on: the metadata feature stores trust from it. */
  signatureTrust?: SignatureTrustSource;
  /** Injected clock for tests (policies, retention). */
  now?: () => Date;
  /** What several instances share through Redis (GC lease, sessions), when configured (scale-out.ts). */
  scaleOut?: ScaleOut;
}

export interface Feature {
  /** Ports handed to createOciApi. Only the auth feature sets authenticate/authorize/challenge. */
  api?: Partial<Omit<OciApiOptions, 'store' | 'observer'>>;
  /** Called after every API response (metrics, tag pull times); observers of all features are fanned out. */
  observer?: OciApiObserver;
  /** Runs before anything else, even the request log: rate limits refuse floods at the lowest cost (as zot). */
  gate?: MiddlewareHandler<OciApiEnv>;
  /** Runs on every request, first of all (before health routes and every feature's routes): request metrics. */
  middleware?: MiddlewareHandler<OciApiEnv>;
  /** Adds routes or middleware before the distribution-spec routes, in feature order. */
  extend?: (app: Hono<OciApiEnv>) => void;
  /** Starts background work (GC schedule) once the server is composed. */
  start?: () => void;
  /** Stops background work and releases resources on shutdown. */
  close?: () => Promise<void>;
}

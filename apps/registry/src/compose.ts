// The ONLY place that turns a zot config into each library's options, and the libraries into one Hono app:
// rate limit gate -> request log -> CORS -> health -> extensions (extend) -> the distribution-spec API.

import type { Writable } from 'node:stream';
import type { StorageOptions, ZotConfig } from '@zot-ts/config';
import { createLmdbMetaStore, metadbPathsUnder } from '@zot-ts/metadb';
import type { MetaStore } from '@zot-ts/metastore';
import {
  createOciApi,
  type ExtensionDescriptor,
  type OciApiEnv,
  type OciApiEvent,
  type OciApiOptions,
} from '@zot-ts/oci-api';
import { createStore, type Store } from '@zot-ts/oci-store';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { shareMetricsAcrossWorkers } from './cluster-metrics.js';
import { type AuthFeature, composeAuth } from './features/auth.js';
import { composeEvents } from './features/events.js';
import type { Feature, FeatureContext } from './features/feature.js';
import { composeGc } from './features/gc.js';
import { composeLint } from './features/lint.js';
import { composeMetadata } from './features/metadata.js';
import { composeMetrics } from './features/metrics.js';
import { repositoryQuotaOf } from './features/quota.js';
import { composeRateLimit } from './features/ratelimit.js';
import { composeScaleOut } from './features/scale-out.js';
import { composeScrub } from './features/scrub.js';
import { composeSearch } from './features/search.js';
import { composeSignatures } from './features/signatures.js';
import { composeSync } from './features/sync.js';
import { composeUi } from './features/ui.js';
import { type HealthState, healthRoutes } from './health.js';
import { createLogger, type Logger, type LogSink, openSink } from './log-sink.js';
import { requestLog } from './request-log.js';
import { loadStorageDrivers, storageDriverOf } from './storage-drivers.js';

/** What callers (tests, auth, metrics) may add without touching this file. */
export interface RegistryExtensions {
  /** Ports and hooks handed to createOciApi as they are (authenticate, authorize, challenge, observer, extensions). */
  api?: Partial<Omit<OciApiOptions, 'store'>>;
  /** Adds routes or middleware; runs after logging, CORS and health, before the distribution-spec routes. */
  extend?: (app: Hono<OciApiEnv>, parts: { store: Store; logger: Logger }) => void;
  /** Where request logs go when log.output is unset. Default: process.stdout. */
  stdout?: Writable;
  /** Injected clock (policies, retention) for tests. */
  now?: () => Date;
  /**
   * This process is one of several serving the same roots (`http.workers`, cluster.ts): the store's locks
   * and generations go cross-process, and background work (GC, scrub, storage sizes) runs only in the
   * process whose `index` is 0.
   */
  worker?: { index: number };
}

export interface ComposedRegistry {
  app: Hono<OciApiEnv>;
  store: Store;
  logger: Logger;
  health: HealthState;
  metaStore: MetaStore;
  /** Who is calling and what they may do; `reloadAccessControl` serves the config reload. */
  auth: AuthFeature;
  /** Features in composition order (auth, metrics, ratelimit, signatures, gc, scrub), for tests and shutdown. */
  features: Feature[];
  /** Starts background work (GC, storage sizes; worker 0 only) and marks the registry started: call once the port is bound. */
  start(): void;
  /** Flushes and closes log files. */
  close(): Promise<void>;
}

/** zot's storage section as the store's options: root, dedupe, commit, and subPaths (prefix -> another root). */
export async function storeOptionsOf(config: ZotConfig): Promise<Parameters<typeof createStore>[0]> {
  const { storage } = config;
  if (storage.rootDirectory === '') {
    // the loader accepts a remote-only storage section as zot's does; zot's server then stops too
    throw new Error(
      'storage.rootDirectory is not set: the server needs a local root directory (for its metadata) even when ' +
        'a storageDriver holds the images; zot refuses to start the same way ("no storage config provided")',
    );
  }
  // a storageDriver (s3) holds the section's images; rootDirectory stays the local directory for metadata
  await loadStorageDrivers(config);
  const rootOf = (options: StorageOptions) => {
    const remote = storageDriverOf(options);
    const root = { rootDirectory: options.rootDirectory, dedupe: options.dedupe, commit: options.commit };
    return remote === undefined ? root : { ...root, ...remote };
  };
  const subPaths: Record<string, ReturnType<typeof rootOf>> = {};
  for (const [prefix, sub] of Object.entries(storage.subPaths ?? {})) subPaths[prefix] = rootOf(sub);
  return { ...rootOf(storage), subPaths, ...uploadWorkersOf(process.env) };
}

/**
 * ZOT_UPLOAD_WORKERS: upload worker threads per process (0: hash uploads on the main thread), for benchmarks
 * and machines where the default (oci-store's DEFAULT_UPLOAD_WORKERS) does not fit; zot has no such setting.
 */
function uploadWorkersOf(env: NodeJS.ProcessEnv): { uploadWorkers?: number } {
  const count = Number(env.ZOT_UPLOAD_WORKERS ?? '');
  return env.ZOT_UPLOAD_WORKERS !== undefined && Number.isInteger(count) && count >= 0 && count <= 8
    ? { uploadWorkers: count }
    : {};
}

/** hono/cors options from http.allowOrigin: comma-separated origins, unset means "*" (zot). */
function corsOf(config: ZotConfig) {
  const origins = (config.http.allowOrigin ?? '*')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  return cors({
    origin: origins.length === 1 ? (origins[0] ?? '*') : origins,
    allowMethods: ['HEAD', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Accept', 'Content-Type', 'Content-Range', 'Range', 'X-Zot-Api-Client'],
    exposeHeaders: [
      'Docker-Content-Digest',
      'Docker-Upload-UUID',
      'Location',
      'Range',
      'Link',
      'OCI-Subject',
      'OCI-Filters-Applied',
      'OCI-Tag',
      'WWW-Authenticate',
    ],
  });
}

/** Discover entries of all features: entries with the same name (`_zot`) share one entry with all endpoints. */
function mergeExtensions(entries: ExtensionDescriptor[]): ExtensionDescriptor[] {
  const byName = new Map<string, ExtensionDescriptor>();
  for (const entry of entries) {
    const seen = byName.get(entry.name);
    if (seen === undefined) byName.set(entry.name, { ...entry, endpoints: [...entry.endpoints] });
    else seen.endpoints.push(...entry.endpoints.filter((e) => !seen.endpoints.includes(e)));
  }
  return [...byName.values()];
}

export async function composeRegistry(
  config: ZotConfig,
  extensions: RegistryExtensions = {},
): Promise<ComposedRegistry> {
  const stdout = extensions.stdout ?? process.stdout;
  const logSink: LogSink = openSink(config.log.output, stdout);
  const auditSink: LogSink | undefined =
    config.log.audit === undefined ? undefined : openSink(config.log.audit, stdout);
  const logger = createLogger(logSink, config.log.level);
  const health: HealthState = { started: false, shuttingDown: false };
  // with a redis cacheDriver (docs/scale-out.md): metadata, locks, GC lease and sessions shared in Redis
  const scaleOut = await composeScaleOut(config, logger).catch(async (error: unknown) => {
    await Promise.all([logSink.close(), auditSink?.close()]);
    throw error;
  });
  const store = await createStore({
    ...(await storeOptionsOf(config)),
    ...repositoryQuotaOf(config, logger),
    ...(scaleOut.locks === undefined ? {} : { locks: scaleOut.locks }),
    ...(extensions.worker === undefined ? {} : { crossProcess: true }),
  });
  // else one LMDB file under the storage root; the first wave's .zot-ts-meta directory is imported once
  const metaStore =
    scaleOut.metaStore ??
    (await createLmdbMetaStore({
      ...metadbPathsUnder(config.storage.rootDirectory),
      // every manifest GET records a pull time: batch those writes (a time lost in a crash only keeps a tag)
      pullSettleMs: 1000,
    }));

  // Features in order: auth first, because later ones (metrics, key upload) ask it who is calling.
  const context: FeatureContext = {
    config,
    store,
    logger,
    metaStore,
    scaleOut,
    ...(auditSink === undefined ? {} : { audit: auditSink }),
    ...(extensions.now === undefined ? {} : { now: extensions.now }),
  };
  const features: Feature[] = [];
  let auth: AuthFeature;
  try {
    const composedAuth = await composeAuth(context);
    auth = composedAuth.auth;
    context.auth = auth;
    features.push(composedAuth.feature);
    for (const compose of [composeMetrics, composeRateLimit]) features.push(await compose(context));
    // events after metrics (its counters) and before lint (lint_failed goes through it)
    const events = composeEvents(context);
    features.push(events.feature);
    if (events.recorder !== undefined) context.events = events.recorder;
    features.push(composeLint(context));
    // metadata before GC, so that at shutdown GC stops before the metadata queue drains
    for (const compose of [
      composeSignatures,
      composeMetadata,
      composeSearch,
      composeGc,
      composeScrub,
      composeSync,
    ])
      features.push(await compose(context));
    features.push(composeUi(context));
  } catch (error) {
    // a feature that cannot start (a broken policy, an unreadable trusted root) stops the server: release
    // what the features before it opened (watchers, timers, subscriptions) and the log files
    for (const feature of features.reverse()) await feature.close?.().catch(() => undefined);
    await Promise.all([metaStore.close(), logSink.close(), auditSink?.close()]);
    await scaleOut.close();
    throw error;
  }

  // one of several processes: /metrics answers for all of them (cluster-metrics.ts)
  if (extensions.worker !== undefined && context.metrics !== undefined)
    shareMetricsAcrossWorkers(context.metrics);

  const app = new Hono<OciApiEnv>();
  for (const feature of features) if (feature.gate !== undefined) app.use('*', feature.gate);
  app.use('*', requestLog(auditSink === undefined ? { logger } : { logger, audit: auditSink }));
  for (const feature of features) if (feature.middleware !== undefined) app.use('*', feature.middleware);
  app.use('*', corsOf(config));
  app.route('/', healthRoutes(health));
  for (const feature of features) feature.extend?.(app);
  extensions.extend?.(app, { store, logger });
  const observers = features.flatMap((f) => (f.observer === undefined ? [] : [f.observer]));
  if (extensions.api?.observer !== undefined) observers.push(extensions.api.observer);
  const api = createOciApi({
    logger: { error: (message, fields) => logger.error(message, fields) },
    ...Object.assign({}, ...features.map((f) => f.api ?? {})),
    extensions: mergeExtensions(features.flatMap((f) => f.api?.extensions ?? [])),
    ...extensions.api,
    observer: (event: OciApiEvent) => {
      for (const observer of observers) observer(event);
    },
    store,
  });
  app.route('/', api);
  app.notFound((c) =>
    c.json(
      { errors: [{ code: 'UNSUPPORTED', message: 'no such route', detail: { path: c.req.path } }] },
      404,
    ),
  );
  return {
    app,
    store,
    logger,
    health,
    metaStore,
    auth,
    features,
    start() {
      if (health.started) return;
      // several processes on one root: one runs GC, scrub and the size walk, as one server would
      if ((extensions.worker?.index ?? 0) === 0) for (const feature of features) feature.start?.();
      health.started = true;
    },
    async close() {
      for (const feature of [...features].reverse()) await feature.close?.();
      // after the features: GC and the tag-time recorder flush their last writes into the metadata store.
      // Scale-out first: it gives up the GC lease over the Redis connection the metadata store then closes
      await scaleOut.close();
      await Promise.all([metaStore.close(), logSink.close(), auditSink?.close()]);
    },
  };
}

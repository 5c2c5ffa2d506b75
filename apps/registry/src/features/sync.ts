// extensions.sync (zot's sync extension): config -> @zot-ts/sync's options, the on-demand hook handed to
// oci-api (beforeRead: a manifest or referrers read of a synced prefix fetches from the upstreams first),
// periodic passes started with the server, and counters when metrics are on.
import { readFileSync } from 'node:fs';
import { parseDuration, type SyncRegistryConfig } from '@zot-ts/config';
import { createSyncMetrics } from '@zot-ts/gc-metrics';
import { createSync, type UpstreamOptions } from '@zot-ts/sync';
import type { Feature, FeatureContext } from './feature.js';

const DEFAULT_SYNC_TIMEOUT_MS = 3 * 60 * 60 * 1000;

function upstreamOf(registry: SyncRegistryConfig): UpstreamOptions {
  return {
    urls: registry.urls,
    onDemand: registry.onDemand,
    ...(registry.pollInterval === undefined ? {} : { pollIntervalMs: parseDuration(registry.pollInterval) }),
    content: (registry.content ?? []).map((c) => ({
      prefix: c.prefix,
      ...(c.destination === undefined ? {} : { destination: c.destination }),
      ...(c.stripPrefix === undefined ? {} : { stripPrefix: c.stripPrefix }),
      ...(c.tags === undefined ? {} : { tags: { ...c.tags } }),
    })),
    tlsVerify: registry.tlsVerify,
    ...(registry.certDir === undefined || registry.certDir === '' ? {} : { certDir: registry.certDir }),
    maxRetries: registry.maxRetries ?? 3,
    retryDelayMs: registry.retryDelay === undefined ? 500 : parseDuration(registry.retryDelay),
    onlySigned: registry.onlySigned === true,
    // zot: unset means true
    syncLegacyCosignTags: registry.syncLegacyCosignTags !== false,
    preserveDigest: registry.preserveDigest === true,
    syncTimeoutMs:
      registry.syncTimeout === undefined
        ? DEFAULT_SYNC_TIMEOUT_MS
        : parseDuration(registry.syncTimeout) || DEFAULT_SYNC_TIMEOUT_MS,
  };
}

/** zot's credentialsFile: {"host:port": {"username": ..., "password": ...}}. */
function credentialsOf(path: string | undefined): Record<string, { username: string; password: string }> {
  if (path === undefined || path === '') return {};
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<
    string,
    { username?: string; password?: string }
  >;
  const out: Record<string, { username: string; password: string }> = {};
  for (const [host, entry] of Object.entries(parsed))
    out[host] = { username: entry.username ?? '', password: entry.password ?? '' };
  return out;
}

export function composeSync(context: FeatureContext): Feature {
  const config = context.config.extensions?.sync;
  if (config === undefined || !config.enable || config.registries.length === 0) return {};
  let credentials: ReturnType<typeof credentialsOf>;
  try {
    credentials = credentialsOf(config.credentialsFile);
  } catch (error) {
    // zot's controller logs "failed to start sync extension" and serves on without sync: the same here
    context.logger.error('failed to start sync extension: credentialsFile cannot be read', {
      component: 'sync',
      path: config.credentialsFile,
      error: error instanceof Error ? error.message : String(error),
    });
    return {};
  }
  const metrics = context.metrics === undefined ? undefined : createSyncMetrics(context.metrics.registry);
  const sync = createSync({
    store: context.store,
    upstreams: config.registries.map(upstreamOf),
    credentials,
    logger: {
      info: (message, fields) => context.logger.info(message, { component: 'sync', ...fields }),
      warn: (message, fields) => context.logger.warn(message, { component: 'sync', ...fields }),
      error: (message, fields) => context.logger.error(message, { component: 'sync', ...fields }),
    },
    ...(metrics === undefined ? {} : { onReport: (r) => metrics.report(r.upstream, r.outcome, r.bytes) }),
  });
  return {
    api: {
      // a large image pulled on demand is served while its copy runs: the manifest from memory, the blobs as
      // they arrive (packages/sync/src/in-flight.ts)
      beforeRead: (read) => sync.beforeRead(read),
      blobInFlight: (read) => sync.blobInFlight(read.repository, read.digest),
    },
    start: () => sync.start(),
    close: () => sync.close(),
  };
}

// Prometheus metrics from extensions.metrics (issue 9). zot serves them when the metrics extension is
// enabled (a present `metrics` section is enabled unless `enable: false`; the config package applies that
// default), at extensions.metrics.prometheus.path, default "/metrics". One RegistryMetrics per server, on
// its own prom-client Registry: store events feed it, oci-api's observer and a middleware feed the HTTP
// metrics, and the scrape route serves it under accessControl.metrics.
import type { StorageOptions } from '@zot-ts/config';
import { createRegistryMetrics } from '@zot-ts/gc-metrics';
import { storageDriverOf } from '../storage-drivers.js';
import { registryVersion } from '../version.js';
import type { Feature, FeatureContext } from './feature.js';
import { createRequestMetrics } from './metrics-requests.js';
import { mountMetricsRoute } from './metrics-route.js';
import { createRepoSizeTracker, type StorageRoots } from './metrics-storage.js';

export const DEFAULT_METRICS_PATH = '/metrics';

export async function composeMetrics(context: FeatureContext): Promise<Feature> {
  const settings = context.config.extensions?.metrics;
  if (settings?.enable !== true) return {};
  const path = settings.prometheus.path || DEFAULT_METRICS_PATH;
  const { config, store, logger } = context;

  // process_* and nodejs_* as zot exports process_* and go_*: dashboards chart memory and CPU from them
  const metrics = createRegistryMetrics({ version: registryVersion, defaultMetrics: true });
  context.metrics = metrics;
  const sizes = createRepoSizeTracker({ store, roots: storageRootsOf(context), metrics, logger });
  const unsubscribe = store.subscribe((event) => {
    metrics.onStoreEvent(event);
    sizes.onStoreEvent(event);
  });
  const requests = createRequestMetrics(metrics, { metricsPath: path });

  return {
    observer: requests.observer,
    middleware: requests.middleware,
    extend(app) {
      mountMetricsRoute(app, {
        path,
        metrics,
        ...(context.auth === undefined ? {} : { auth: context.auth }),
        realm: config.http.realm,
        tls: config.http.tls !== undefined,
        logger,
      });
    },
    start() {
      // in the background: a large storage root must not hold up startup (the gauges fill in as it goes)
      sizes.start();
    },
    async close() {
      unsubscribe();
      await sizes.close();
    },
  };
}

function storageRootsOf(context: FeatureContext): StorageRoots {
  const { storage } = context.config;
  // a root on S3 is measured there (placeholders of deduped blobs count 0 bytes, as in zot's S3 walk)
  const rootOf = (options: StorageOptions) => {
    const remote = storageDriverOf(options);
    return remote === undefined
      ? { rootDirectory: options.rootDirectory }
      : { rootDirectory: options.rootDirectory, driver: remote.driver };
  };
  const subPaths: StorageRoots['subPaths'] = {};
  for (const [prefix, sub] of Object.entries(storage.subPaths ?? {})) subPaths[prefix] = rootOf(sub);
  return { ...rootOf(storage), subPaths };
}

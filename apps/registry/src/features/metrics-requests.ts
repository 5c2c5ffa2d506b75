// Request metrics: zot_http_requests_total, the latency histograms and the in-flight gauge.
// oci-api reports its own requests through the observer (with the route's repository, never the raw path);
// the middleware keeps the in-flight gauge and counts what oci-api never sees (auth and extension routes,
// unknown paths), because zot's session middleware counts every request except the metrics scrape
// (zot pkg/api/session.go: `if path != "/metrics"`).
import type { RegistryMetrics } from '@zot-ts/gc-metrics';
import type { OciApiEnv, OciApiEvent, OciApiObserver } from '@zot-ts/oci-api';
import type { Context, MiddlewareHandler, Next } from 'hono';

export interface RequestMetrics {
  /** Handed to createOciApi (through Feature.observer): counts API requests and manifest downloads. */
  observer: OciApiObserver;
  /** Mounted before the API routes: in-flight gauge, and counts for requests the observer never reports. */
  middleware: MiddlewareHandler<OciApiEnv>;
}

/**
 * The repository a request is labelled with. Only requests that succeeded name their repository: a client
 * probing thousands of names that do not exist (404) or that it may not see (401/403) must not take the
 * label slots of real repositories (gc-metrics caps them, then folds the rest into "_other").
 */
export function repositoryLabelOf(event: { repository: string; status: number }): string | undefined {
  if (event.repository === '' || event.status >= 400) return undefined;
  return event.repository;
}

export function createRequestMetrics(
  metrics: RegistryMetrics,
  options: { metricsPath: string },
): RequestMetrics {
  const observer = function recordApiMetrics(event: OciApiEvent): void {
    if (event.type === 'manifestDownloaded') {
      // zot counts a download per GET of a manifest (pkg/api/routes.go GetManifest)
      metrics.recordDownload(event.repository);
      return;
    }
    const repository = repositoryLabelOf(event);
    metrics.observeRequest({
      method: event.method,
      status: event.status,
      durationSeconds: event.durationMs / 1000,
      ...(repository === undefined ? {} : { repository }),
    });
  };

  const middleware = async function recordRequestMetrics(c: Context<OciApiEnv>, next: Next) {
    if (c.req.path === options.metricsPath) return next();
    const started = performance.now();
    const finished = inFlightTracker(metrics, c);
    try {
      await next();
    } finally {
      finished();
      // oci-api marks the requests it reported to the observer: those are counted already
      if (c.get('observedByApi') !== true) {
        metrics.observeRequest({
          method: c.req.method,
          status: c.get('responseStatus') ?? c.res.status,
          durationSeconds: (performance.now() - started) / 1000,
        });
      }
    }
  };

  return { observer, middleware };
}

/**
 * Raises the in-flight gauge and returns what to call when the handler is done. Under the Node server a
 * request stays in flight until its response is closed: a blob download streams long after the handler
 * returned. Without a Node response (app.request in tests) the handler's end is the request's end.
 */
function inFlightTracker(metrics: RegistryMetrics, c: Context<OciApiEnv>): () => void {
  metrics.requestStarted();
  let done = false;
  const finish = (): void => {
    if (done) return;
    done = true;
    metrics.requestFinished();
  };
  const outgoing = c.env?.outgoing;
  if (outgoing === undefined) return finish;
  if (outgoing.closed) finish();
  else outgoing.once('close', finish);
  return () => {};
}

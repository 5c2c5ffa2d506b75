// The scrape endpoint (extensions.metrics.prometheus.path, default /metrics). With access control on,
// only accessControl.metrics.users may read it, as zot's MetricsAuthzHandler decides: an anonymous caller
// gets 401 with a challenge (so Prometheus' basic_auth can answer it), a known user not on the list 403.
import type { RegistryMetrics } from '@zot-ts/gc-metrics';
import { describeError, type Identity, type OciApiEnv } from '@zot-ts/oci-api';
import { OciError } from '@zot-ts/oci-store';
import type { Context, Hono } from 'hono';
import type { Logger } from '../log-sink.js';
import type { AuthFeature } from './auth.js';

export interface MetricsRouteOptions {
  path: string;
  metrics: RegistryMetrics;
  /** Absent: everyone may read (no auth feature composed). */
  auth?: AuthFeature;
  /** http.realm, for the Basic challenge of a 401 when the auth feature offers none. */
  realm: string;
  /** Whether the server speaks TLS, for identities that depend on it (mTLS). */
  tls: boolean;
  logger: Logger;
}

export function mountMetricsRoute(app: Hono<OciApiEnv>, options: MetricsRouteOptions): void {
  const { path, metrics, auth, realm, tls, logger } = options;

  app.get(path, async function serveMetrics(c) {
    if (auth !== undefined) {
      const identity = await identifyOrAnonymous(auth, c.req.raw, tls, logger);
      if (!auth.canReadMetrics(identity)) return refuse(c, auth, identity, realm);
    }
    return c.body(await metrics.metricsText(), 200, { 'Content-Type': metrics.contentType });
  });
}

async function identifyOrAnonymous(
  auth: AuthFeature,
  request: Request,
  tls: boolean,
  logger: Logger,
): Promise<Identity | undefined> {
  try {
    return await auth.identify(request, { enabled: tls });
  } catch (error) {
    // an authentication backend failing (LDAP down) must not become a 500 that reveals it: refuse instead
    logger.error('metrics: identifying the caller failed', {
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

/** The distribution-spec error body, as every other refusal of this server; a 401 carries the auth challenges. */
function refuse(
  c: Context<OciApiEnv>,
  auth: AuthFeature,
  identity: Identity | undefined,
  realm: string,
): Response {
  const anonymous = identity === undefined;
  const error = anonymous
    ? new OciError('UNAUTHORIZED', { detail: { path: c.req.path } })
    : new OciError('DENIED', { detail: { path: c.req.path, reason: 'not in accessControl.metrics.users' } });
  const described = describeError(error);
  if (anonymous) {
    const challenges = auth.challenge();
    for (const value of challenges.length > 0 ? challenges : [`Basic realm=${JSON.stringify(realm)}`])
      c.header('WWW-Authenticate', value, { append: true });
  }
  return c.json(described.body, described.status as 401 | 403, described.headers);
}

// Request rate limits from http.ratelimit (issue 22): `rate` over every request and `methods[]` per method, in
// requests per second per caller, as zot v2.1.17 (pkg/api/session.go, tollbooth token buckets, burst = rate).
//
// Where it sits: zot puts its limiter in front of everything, before the request log and authentication,
// keyed by client address; a flood is refused before it costs a log line, a metric update or a password
// check. The `gate` here is that limiter. A per-user limit needs the identity, which exists only after
// authentication, so the same limits are applied a second time, per user, through oci-api's admitIdentity port
// right after a request authenticated: a user spreading requests over many addresses is held to the rate too.
// Health probes and the metrics scrape are never limited: a load balancer or Prometheus behind one address
// must not be refused while clients use up that address's bucket.
//
// Differences from zot, on purpose: the answer is the distribution spec's JSON error (TOOMANYREQUESTS) with
// Retry-After, where zot's limiter writes "Too Many Requests" as text/plain (clients such as containers/image
// honour Retry-After and retry); the client is the socket's address, where tollbooth first believes
// X-Forwarded-For and X-Real-IP, which any client can forge to get a fresh bucket per request; and buckets are
// per caller, where tollbooth keys them per caller and URL path, which lets a pull of many layers (one path
// each) pass any rate.
import type { MiddlewareHandler } from 'hono';
import type { Feature, FeatureContext } from './feature.js';
import {
  clientKeyOf,
  createRateLimiter,
  type RateLimitRefusal,
  type RateLimitRules,
  userKeyOf,
} from './ratelimit-rules.js';

const healthPaths = new Set(['/livez', '/readyz', '/startupz']);

/** The 429's headers: Retry-After, and the ones tollbooth sets on its refusals. */
function refusalHeaders(refusal: RateLimitRefusal): Record<string, string> {
  return {
    'Retry-After': String(refusal.retryAfterSeconds),
    'X-Rate-Limit-Limit': refusal.rate.toFixed(2),
    'X-Rate-Limit-Duration': '1',
    'RateLimit-Limit': String(refusal.rate),
    'RateLimit-Remaining': '0',
    'RateLimit-Reset': String(refusal.retryAfterSeconds),
  };
}

function refusalDetail(refusal: RateLimitRefusal): Record<string, unknown> {
  return refusal.method === undefined
    ? { rate: refusal.rate }
    : { rate: refusal.rate, method: refusal.method };
}

/** The limits of http.ratelimit, or undefined when it sets none (no cost at all per request then). */
export function rateLimitRulesOf(context: FeatureContext): RateLimitRules | undefined {
  const settings = context.config.http.ratelimit;
  if (settings === undefined) return undefined;
  const methods = settings.methods ?? [];
  if (settings.rate === undefined && methods.length === 0) return undefined;
  return settings.rate === undefined ? { methods } : { rate: settings.rate, methods };
}

export function composeRateLimit(context: FeatureContext, clock?: () => number): Feature {
  const rules = rateLimitRulesOf(context);
  if (rules === undefined) return {};
  const { logger } = context;
  // zot's start-up lines, word for word
  if (rules.rate !== undefined) logger.info('ratelimiter enabled', { rate: rules.rate });
  for (const { method, rate } of rules.methods ?? [])
    logger.info('per-method ratelimiter enabled', { method, rate });

  const limiter = createRateLimiter(clock === undefined ? rules : { ...rules, now: clock });
  const metricsSettings = context.config.extensions?.metrics;
  const metricsPath =
    metricsSettings?.enable === true ? metricsSettings.prometheus.path || '/metrics' : undefined;
  const exempt = (path: string) => healthPaths.has(path) || path === metricsPath;

  const gate: MiddlewareHandler = async function rateLimitByClient(c, next) {
    const path = c.req.path;
    if (exempt(path)) return next();
    const address = c.env?.incoming?.socket?.remoteAddress ?? '';
    const refusal = limiter.admit(clientKeyOf(address), c.req.method);
    if (refusal === undefined) return next();
    context.metrics?.recordRateLimited(c.req.method, 'client');
    if (logger.enabled('debug'))
      logger.log('debug', 'rate limit reached', { clientIp: address, method: c.req.method, path });
    return c.json(
      {
        errors: [{ code: 'TOOMANYREQUESTS', message: 'too many requests', detail: refusalDetail(refusal) }],
      },
      429,
      refusalHeaders(refusal),
    );
  };

  return {
    gate,
    api: {
      admitIdentity(identity, request) {
        const refusal = limiter.admit(userKeyOf(identity.username), request.method);
        if (refusal === undefined) return undefined;
        context.metrics?.recordRateLimited(request.method, 'user');
        return { headers: refusalHeaders(refusal), detail: refusalDetail(refusal) };
      },
    },
  };
}

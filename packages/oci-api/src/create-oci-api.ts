// createOciApi: the distribution-spec v1.1 routes as one Hono app. One catch-all handler parses the path
// (repository names contain slashes), checks access, runs the route, and renders every error the same way.
import { type Context, Hono } from 'hono';
import { ChallengeError, checkAccess } from './access.js';
import type { OciApiEnv, OciApiOptions } from './api-types.js';
import { blobRoutes } from './blob-routes.js';
import { describeError, OciHttpError } from './error-status.js';
import { jsonResponse } from './http-io.js';
import { baseRoutes, catalogRoutes, discoverRoutes, referrerRoutes, tagRoutes } from './listing-routes.js';
import { manifestRoutes } from './manifest-routes.js';
import type { Identity } from './ports.js';
import type { MethodTable, ResolvedLimits, RouteContext } from './route-context.js';
import { type ApiRoute, type ApiRouteKind, parseApiPath } from './route-path.js';
import { uploadRoutes, uploadStartRoutes } from './upload-routes.js';

const routeTables: { [K in ApiRouteKind]: MethodTable<K> } = {
  base: baseRoutes,
  catalog: catalogRoutes,
  discover: discoverRoutes,
  tags: tagRoutes,
  uploadStart: uploadStartRoutes,
  upload: uploadRoutes,
  blob: blobRoutes,
  manifest: manifestRoutes,
  referrers: referrerRoutes,
};

export const defaultLimits: ResolvedLimits = {
  maxManifestBytes: 4 * 1024 * 1024,
  maxTagsPerPush: 100,
  maxPageSize: 10_000,
};

function rawPathOf(url: string): string {
  // the path as received, still percent-encoded: names and references are split before decoding
  const afterScheme = url.indexOf('://');
  const pathStart = url.indexOf('/', afterScheme + 3);
  const queryStart = url.indexOf('?', pathStart);
  return pathStart < 0 ? '/' : url.slice(pathStart, queryStart < 0 ? undefined : queryStart);
}

function dispatch(ctx: RouteContext, route: ApiRoute): Promise<Response> {
  const table = routeTables[route.kind] as MethodTable<ApiRouteKind>;
  const method = ctx.c.req.method.toUpperCase() as keyof MethodTable<ApiRouteKind>;
  // HEAD falls back to GET where a route has no HEAD of its own; Hono strips the body
  const handler = table[method] ?? (method === 'HEAD' ? table.GET : undefined);
  if (handler === undefined) {
    const allow = Object.keys(table).join(', ');
    throw new OciHttpError('UNSUPPORTED', {
      status: 405,
      headers: { Allow: allow },
      message: 'method not allowed',
      detail: { method, allow },
    });
  }
  return (handler as (ctx: RouteContext, route: ApiRoute) => Promise<Response>)(ctx, route);
}

function renderError(c: Context<OciApiEnv>, options: OciApiOptions, error: unknown): Response {
  const described = describeError(error);
  // a client that hung up mid-body is no server fault: nothing to log as an error, nobody to answer
  const clientGone =
    c.env?.incoming?.destroyed === true || (error as { code?: string } | undefined)?.code === 'ECONNRESET';
  // 499 (nginx's "client closed request") for the request log and zot_http_requests_total: an aborted upload
  // is not a server error and must not count as code="500" (ZotHighErrorRate)
  if (clientGone) c.set('responseStatus', 499);
  if (described.unexpected && !clientGone) {
    options.logger?.error('unexpected error', {
      method: c.req.method,
      path: c.req.path,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
  const headers: Record<string, string> = { ...described.headers };
  if (error instanceof ChallengeError) {
    const challenges = options.challenge?.(error.challengeFor) ?? ['Basic realm="zot"'];
    for (const value of challenges) c.header('WWW-Authenticate', value, { append: true });
  }
  return jsonResponse(c, described.body, described.status, headers);
}

/** The distribution-spec v1.1 API. Mount it at the root of the server's app (`app.route('/', createOciApi(...))`). */
export function createOciApi(options: OciApiOptions): Hono<OciApiEnv> {
  const limits: ResolvedLimits = { ...defaultLimits, ...stripUndefined(options.limits ?? {}) };
  const defaultLogger = {
    error: (message: string, fields: Record<string, unknown>) =>
      process.stderr.write(`${JSON.stringify({ level: 'error', message, ...fields })}\n`),
  };
  const resolved: OciApiOptions = { ...options, logger: options.logger ?? defaultLogger };
  const app = new Hono<OciApiEnv>();

  const handle = async function ociApiHandler(c: Context<OciApiEnv>): Promise<Response> {
    const started = performance.now();
    c.header('Docker-Distribution-API-Version', 'registry/2.0');
    c.set('repository', '');
    const authenticated: { done: boolean; identity: Identity | undefined } = {
      done: false,
      identity: undefined,
    };
    const ctx: RouteContext = {
      c,
      options: resolved,
      limits,
      access: (target) => checkAccess(c, resolved, target, authenticated),
    };
    let routeKind: ApiRouteKind | 'unknown' = 'unknown';
    let response: Response;
    try {
      const route = parseApiPath(rawPathOf(c.req.url));
      routeKind = route.kind;
      response = await dispatch(ctx, route);
    } catch (error) {
      response = renderError(c, resolved, error);
    }
    c.set('observedByApi', true);
    resolved.observer?.({
      type: 'request',
      method: c.req.method,
      route: routeKind,
      repository: c.get('repository'),
      status: c.get('responseStatus') ?? response.status,
      durationMs: performance.now() - started,
    });
    return response;
  };

  app.all('/v2', handle);
  app.all('/v2/*', handle);
  return app;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

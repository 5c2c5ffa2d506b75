// What every route handler receives: the Hono context, resolved options, the repository, and the access check.
import type { Context } from 'hono';
import { type AccessTarget, clientIpOf } from './access.js';
import type { OciApiEnv, OciApiOptions } from './api-types.js';
import type { Identity } from './ports.js';
import { assertDigest } from './reference.js';
import type { ApiRoute } from './route-path.js';
import type { RepositoryStore, StoreActor } from './store-contract.js';

export interface ResolvedLimits {
  maxManifestBytes: number;
  maxTagsPerPush: number;
  maxPageSize: number;
}

export interface RouteContext {
  c: Context<OciApiEnv>;
  options: OciApiOptions;
  limits: ResolvedLimits;
  /** Authenticates (once per request) and authorizes; throws 401/403 as OciErrors. */
  access(target: AccessTarget): Promise<Identity | undefined>;
}

export type RouteOf<K extends ApiRoute['kind']> = Extract<ApiRoute, { kind: K }>;

export type RouteHandler<K extends ApiRoute['kind']> = (
  ctx: RouteContext,
  route: RouteOf<K>,
) => Promise<Response>;

/** Handlers by HTTP method for one route kind; a method not listed gets 405 with Allow. */
export type MethodTable<K extends ApiRoute['kind']> = Partial<
  Record<'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', RouteHandler<K>>
>;

/**
 * The start of every route addressed by `<name>/.../<digest>`: the digest is checked (DIGEST_INVALID), then
 * the caller's access to that digest in that repository, then the repository's store is returned.
 */
export async function byDigest(
  ctx: RouteContext,
  route: { name: string; digest: string },
  action: AccessTarget['action'],
): Promise<RepositoryStore> {
  assertDigest(route.digest);
  await ctx.access({ action, repository: route.name, reference: route.digest, referenceType: 'digest' });
  return repositoryOf(ctx, route.name);
}

export function repositoryOf(ctx: RouteContext, name: string): RepositoryStore {
  ctx.c.set('repository', name);
  // asked when the store emits an event: by then the handler has authenticated the request
  return ctx.options.store.repository(name, { actor: () => actorOf(ctx.c) });
}

/** Who makes this request, for store events: the authenticated user (once known) and the client's address. */
export function actorOf(c: Context<OciApiEnv>): StoreActor {
  const user = c.get('identity')?.username;
  return { ...(user === undefined ? {} : { user }), clientIp: clientIpOf(c) };
}

/** Where a client finds a blob, manifest or upload session. Relative, as zot answers (the spec allows either). */
export const locations = {
  blob: (name: string, digest: string) => `/v2/${name}/blobs/${digest}`,
  manifest: (name: string, digest: string) => `/v2/${name}/manifests/${digest}`,
  upload: (name: string, uploadSessionId: string) => `/v2/${name}/blobs/uploads/${uploadSessionId}`,
};

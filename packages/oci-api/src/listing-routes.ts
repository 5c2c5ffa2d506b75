// Content discovery (distribution-spec "Listing tags", "Listing referrers"), the catalog, the base route and
// the extension discovery endpoint (distribution-spec extensions/_oci.md).

import { isAllowed } from './access.js';
import { jsonResponse } from './http-io.js';
import { assertDigest } from './reference.js';
import { type MethodTable, type RouteContext, type RouteOf, repositoryOf } from './route-context.js';
import { OciError } from './store-contract.js';

const imageIndexMediaType = 'application/vnd.oci.image.index.v1+json';

/** `n` as given: a non-negative integer (clamped to the limit), else undefined (ignored, as zot does). */
function pageSize(ctx: RouteContext): number | undefined {
  const raw = ctx.c.req.query('n');
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Math.min(Number(raw), ctx.limits.maxPageSize);
}

function pageOptions(ctx: RouteContext): { n?: number; last?: string } {
  const options: { n?: number; last?: string } = {};
  const n = pageSize(ctx);
  const last = ctx.c.req.query('last');
  if (n !== undefined) options.n = n;
  if (last !== undefined && last !== '') options.last = last;
  return options;
}

/** distribution-spec: when more results follow, `Link: <url?n=<n>&last=<last>>; rel="next"`. */
function nextLink(path: string, n: number | undefined, next: string | undefined): Record<string, string> {
  if (next === undefined) return {};
  const query = new URLSearchParams();
  if (n !== undefined) query.set('n', String(n));
  query.set('last', next);
  return { Link: `<${path}?${query.toString()}>; rel="next"` };
}

async function listTags(ctx: RouteContext, route: RouteOf<'tags'>): Promise<Response> {
  await ctx.access({ action: 'read', repository: route.name });
  const options = pageOptions(ctx);
  // n=0 asks for nothing: answer an empty list without a Link (there is no page to continue from)
  if (options.n === 0) return jsonResponse(ctx.c, { name: route.name, tags: [] });
  const page = await repositoryOf(ctx, route.name).tags.list(options);
  return jsonResponse(
    ctx.c,
    { name: page.name, tags: page.tags },
    200,
    nextLink(`/v2/${route.name}/tags/list`, options.n, page.next),
  );
}

async function listCatalog(ctx: RouteContext): Promise<Response> {
  const identity = await ctx.access({ action: 'read', repository: '' });
  const options = pageOptions(ctx);
  if (options.n === 0) return jsonResponse(ctx.c, { repositories: [] });
  const page = await ctx.options.store.catalog(options);
  // zot lists only the repositories the caller may read; a page may so hold fewer than n entries
  const visible: string[] = [];
  for (const repository of page.repositories) {
    if (await isAllowed(ctx.c, ctx.options, { action: 'read', repository }, identity))
      visible.push(repository);
  }
  return jsonResponse(ctx.c, { repositories: visible }, 200, nextLink('/v2/_catalog', options.n, page.next));
}

async function listReferrers(ctx: RouteContext, route: RouteOf<'referrers'>): Promise<Response> {
  assertDigest(route.digest);
  await ctx.access({
    action: 'read',
    repository: route.name,
    reference: route.digest,
    referenceType: 'digest',
  });
  const artifactType = ctx.c.req.query('artifactType');
  let manifests: unknown[] = [];
  try {
    manifests = await repositoryOf(ctx, route.name).referrers.list(
      route.digest,
      artifactType === undefined ? {} : { artifactType },
    );
  } catch (error) {
    // distribution-spec: a registry supporting referrers MUST answer 200 with an empty index for an unknown subject
    if (
      !(
        error instanceof OciError && ['NAME_UNKNOWN', 'MANIFEST_UNKNOWN', 'BLOB_UNKNOWN'].includes(error.code)
      )
    )
      throw error;
  }
  const headers: Record<string, string> = { 'Content-Type': imageIndexMediaType };
  if (artifactType !== undefined) headers['OCI-Filters-Applied'] = 'artifactType';
  return jsonResponse(ctx.c, { schemaVersion: 2, mediaType: imageIndexMediaType, manifests }, 200, headers);
}

async function baseRoute(ctx: RouteContext): Promise<Response> {
  // distribution-spec "Determining support": 200 when the caller may use the registry, 401 to ask for credentials
  await ctx.access({ action: 'read', repository: '' });
  return jsonResponse(ctx.c, {});
}

async function discover(ctx: RouteContext): Promise<Response> {
  await ctx.access({ action: 'read', repository: '' });
  return jsonResponse(ctx.c, { extensions: ctx.options.extensions ?? [] });
}

export const tagRoutes: MethodTable<'tags'> = { GET: listTags };
export const catalogRoutes: MethodTable<'catalog'> = { GET: listCatalog };
export const referrerRoutes: MethodTable<'referrers'> = { GET: listReferrers };
export const baseRoutes: MethodTable<'base'> = { GET: baseRoute };
export const discoverRoutes: MethodTable<'discover'> = { GET: discover };

// Content discovery (distribution-spec "Listing tags", "Listing referrers"), the catalog, the base route and
// the extension discovery endpoint (distribution-spec extensions/_oci.md).

import { isAllowed } from './access.js';
import { jsonListing, jsonResponse } from './http-io.js';
import type { Identity } from './ports.js';
import {
  byDigest,
  type MethodTable,
  type RouteContext,
  type RouteOf,
  repositoryOf,
} from './route-context.js';
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
  if (options.n === 0) return jsonListing(ctx.c, { name: route.name, tags: [] });
  const page = await repositoryOf(ctx, route.name).tags.list(options);
  return jsonListing(
    ctx.c,
    { name: page.name, tags: page.tags },
    nextLink(`/v2/${route.name}/tags/list`, options.n, page.next),
  );
}

/** Of one page's candidates, those the caller may read: the filterRepositories port, else authorize per name. */
async function visibleOf(
  ctx: RouteContext,
  identity: Identity | undefined,
  names: string[],
): Promise<string[]> {
  if (ctx.options.filterRepositories !== undefined) return ctx.options.filterRepositories(identity, names);
  const visible: string[] = [];
  for (const repository of names) {
    if (await isAllowed(ctx.c, ctx.options, { action: 'read', repository }, identity))
      visible.push(repository);
  }
  return visible;
}

async function listCatalog(ctx: RouteContext): Promise<Response> {
  const identity = await ctx.access({ action: 'read', repository: '' });
  const options = pageOptions(ctx);
  if (options.n === 0) return jsonListing(ctx.c, { repositories: [] });
  // zot lists only the repositories the caller may read. Filtering happens before paging, so a page holds n
  // visible names whenever that many exist, and `last` continues after the last name shown.
  const visible: string[] = [];
  let last = options.last;
  let more = false;
  for (;;) {
    const page = await ctx.options.store.catalog({
      ...(options.n === undefined ? {} : { n: options.n }),
      ...(last === undefined ? {} : { last }),
    });
    const allowed = await visibleOf(ctx, identity, page.repositories);
    const room = options.n === undefined ? allowed.length : options.n - visible.length;
    visible.push(...allowed.slice(0, room));
    if (allowed.length > room) {
      more = true;
      break;
    }
    if (page.next === undefined || page.repositories.length === 0) break;
    if (options.n !== undefined && visible.length >= options.n) {
      more = true; // more candidates follow; the next page may turn out empty, which the spec allows
      break;
    }
    last = page.next;
  }
  const next = more ? visible[visible.length - 1] : undefined;
  return jsonListing(ctx.c, { repositories: visible }, nextLink('/v2/_catalog', options.n, next));
}

async function listReferrers(ctx: RouteContext, route: RouteOf<'referrers'>): Promise<Response> {
  const { referrers } = await byDigest(ctx, route, 'read');
  const artifactType = ctx.c.req.query('artifactType');
  await ctx.options.beforeRead?.({
    kind: 'referrers',
    repository: route.name,
    reference: route.digest,
    ...(artifactType === undefined ? {} : { artifactType }),
  });
  let manifests: unknown[] = [];
  try {
    manifests = await referrers.list(route.digest, artifactType === undefined ? {} : { artifactType });
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
  return jsonListing(ctx.c, { schemaVersion: 2, mediaType: imageIndexMediaType, manifests }, headers);
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

// HEAD/GET/PUT/DELETE /v2/<name>/manifests/<reference> (distribution-spec "Pulling manifests", "Pushing manifests",
// "Deleting tags", "Deleting manifests").

import { jsonNestsDeeperThan, MAX_JSON_DEPTH, parseJsonWithinDepth } from '@zot-ts/oci-store';
import { detectsManifestCollision } from './access.js';
import { OciHttpError } from './error-status.js';
import { readLimitedBody, sendBytes } from './http-io.js';
import { classifyReference, isDigest, isTag } from './reference.js';
import {
  actorOf,
  locations,
  type MethodTable,
  type RouteContext,
  type RouteOf,
  repositoryOf,
} from './route-context.js';
import { isOciError, type ManifestStore, OciError } from './store-contract.js';

/**
 * Content negotiation: an Accept header that names media types, none of them the stored one and no wildcard,
 * gets 404 MANIFEST_UNKNOWN (we never convert between formats, as zot). No Accept, or a wildcard: any type.
 */
function accepts(acceptHeader: string | undefined, mediaType: string): boolean {
  if (acceptHeader === undefined || acceptHeader.trim() === '') return true;
  const accepted = acceptHeader.split(',').map((part) => (part.split(';')[0] ?? '').trim().toLowerCase());
  return accepted.some(
    (type) => type === '' || type === '*/*' || type === 'application/*' || type === mediaType.toLowerCase(),
  );
}

async function readManifest(
  ctx: RouteContext,
  route: RouteOf<'manifest'>,
  withBody: boolean,
): Promise<Response> {
  // a malformed reference is asked for as a tag (as zot does) and found by nobody: the store answers 404
  // NAME_UNKNOWN or MANIFEST_UNKNOWN, never 400 (distribution-spec conformance, "nonexistent manifest")
  const referenceType = isDigest(route.reference) ? 'digest' : 'tag';
  await ctx.access({ action: 'read', repository: route.name, reference: route.reference, referenceType });
  const { manifests } = repositoryOf(ctx, route.name);
  const early = await ctx.options.beforeRead?.({
    kind: 'manifest',
    repository: route.name,
    reference: route.reference,
  });
  const manifest =
    early !== undefined && early !== null
      ? {
          digest: early.digest,
          mediaType: early.mediaType,
          size: early.content.length,
          content: early.content,
        }
      : withBody
        ? await manifests.get(route.reference)
        : await manifests.stat(route.reference);
  if (!accepts(ctx.c.req.header('accept'), manifest.mediaType)) {
    throw new OciError('MANIFEST_UNKNOWN', {
      detail: { reason: 'no acceptable media type', mediaType: manifest.mediaType },
    });
  }
  const headers = {
    'Content-Type': manifest.mediaType,
    'Content-Length': String(manifest.size),
    'Docker-Content-Digest': manifest.digest,
  };
  if (!withBody || !('content' in manifest)) return ctx.c.body(null, 200, headers);
  ctx.options.observer?.({
    type: 'manifestDownloaded',
    repository: route.name,
    reference: route.reference,
    digest: manifest.digest,
  });
  return sendBytes(ctx.c, 200, headers, manifest.content);
}

async function tagExists(manifests: ManifestStore, tag: string): Promise<boolean> {
  try {
    await manifests.stat(tag);
    return true;
  } catch (error) {
    if (error instanceof OciError && (error.code === 'MANIFEST_UNKNOWN' || error.code === 'NAME_UNKNOWN'))
      return false;
    throw error;
  }
}

/** The manifest's media type: the Content-Type the client MUST send, else the body's own mediaType field. */
function mediaTypeOf(contentType: string | undefined, content: Uint8Array): string {
  const fromHeader = (contentType ?? '').split(';')[0]?.trim() ?? '';
  if (fromHeader !== '' && fromHeader !== 'application/octet-stream') return fromHeader;
  try {
    const parsed = parseJsonWithinDepth(content) as { mediaType?: unknown } | null;
    if (typeof parsed?.mediaType === 'string') return parsed.mediaType;
  } catch {
    // not JSON: the store answers MANIFEST_INVALID below
  }
  throw new OciError('MANIFEST_INVALID', {
    detail: { reason: 'no Content-Type and no mediaType in the manifest' },
  });
}

async function putManifest(ctx: RouteContext, route: RouteOf<'manifest'>): Promise<Response> {
  const referenceType = classifyReference(route.reference);
  const extraTags = [...new Set(ctx.c.req.queries('tag') ?? [])];
  if (extraTags.length > ctx.limits.maxTagsPerPush) {
    throw new OciError('SIZE_TOO_LARGE', {
      message: 'too many tag parameters',
      detail: { limit: ctx.limits.maxTagsPerPush },
    });
  }
  for (const tag of extraTags)
    if (!isTag(tag)) throw new OciError('MANIFEST_INVALID', { message: 'invalid tag', detail: { tag } });
  const { manifests } = repositoryOf(ctx, route.name);
  const tags =
    referenceType === 'tag'
      ? [route.reference, ...extraTags.filter((t) => t !== route.reference)]
      : extraTags;
  // Every tag this request writes (the URL's and each ?tag=) is its own decision, with its own reference and
  // its own create-vs-update action (moving an existing tag is an update, zot's access model): a policy on
  // tags must not be bypassed by pushing by digest, or under another tag, with `?tag=<protected>`.
  if (referenceType !== 'tag')
    await ctx.access({ action: 'create', repository: route.name, reference: route.reference, referenceType });
  for (const tag of tags) {
    const action = (await tagExists(manifests, tag)) ? 'update' : 'create';
    await ctx.access({ action, repository: route.name, reference: tag, referenceType: 'tag' });
  }
  const content = await readLimitedBody(ctx.c, ctx.limits.maxManifestBytes);
  // before anything parses it: a few MiB of `[` would cost seconds of CPU and hundreds of MB in JSON.parse
  if (jsonNestsDeeperThan(content, MAX_JSON_DEPTH)) {
    throw new OciError('MANIFEST_INVALID', {
      detail: { reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`, maxDepth: MAX_JSON_DEPTH },
    });
  }
  const mediaType = mediaTypeOf(ctx.c.req.header('content-type'), content);
  await ctx.options.checkManifest?.({
    repository: route.name,
    reference: route.reference,
    tags,
    mediaType,
    content,
    actor: actorOf(ctx.c),
  });
  const result = await manifests.put(
    route.reference,
    mediaType,
    content,
    extraTags.length > 0 ? { tags: extraTags } : {},
  );
  ctx.c.header('Location', locations.manifest(route.name, result.digest));
  ctx.c.header('Docker-Content-Digest', result.digest);
  ctx.c.header('Content-Length', '0');
  // distribution-spec: a manifest with a subject is answered with OCI-Subject: the registry processed it
  if (result.subject !== undefined) ctx.c.header('OCI-Subject', result.subject);
  // distribution-spec v1.1.1: each ?tag= applied is echoed as one OCI-Tag header
  for (const tag of extraTags) ctx.c.header('OCI-Tag', tag, { append: true });
  return ctx.c.body(null, 201);
}

async function deleteManifest(ctx: RouteContext, route: RouteOf<'manifest'>): Promise<Response> {
  const referenceType = classifyReference(route.reference);
  const target = {
    action: 'delete',
    repository: route.name,
    reference: route.reference,
    referenceType,
  } as const;
  const identity = await ctx.access(target);
  const detectCollision = await detectsManifestCollision(ctx.c, ctx.options, target, identity);
  try {
    await repositoryOf(ctx, route.name).manifests.delete(route.reference, { detectCollision });
  } catch (error) {
    // zot answers a collision with 409 Conflict; MANIFEST_INVALID is 400 everywhere else
    if (detectCollision && isOciError(error, 'MANIFEST_INVALID'))
      throw new OciHttpError('MANIFEST_INVALID', { status: 409, detail: error.detail });
    throw error;
  }
  // distribution-spec "Deleting tags" / "Deleting manifests": 202 Accepted
  return ctx.c.body(null, 202, { 'Content-Length': '0' });
}

export const manifestRoutes: MethodTable<'manifest'> = {
  GET: (ctx, route) => readManifest(ctx, route, true),
  HEAD: (ctx, route) => readManifest(ctx, route, false),
  PUT: putManifest,
  DELETE: deleteManifest,
};

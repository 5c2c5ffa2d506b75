// HEAD/GET/DELETE /v2/<name>/blobs/<digest> (distribution-spec "Pulling blobs", "Deleting blobs").

import { OciHttpError } from './error-status.js';
import { sendStream } from './http-io.js';
import { multipartBody, planMultipart } from './multipart.js';
import { parseRangeHeader } from './range.js';
import { byDigest, type MethodTable, type RouteContext, type RouteOf } from './route-context.js';
import { type BlobStore, type Digest, isOciError } from './store-contract.js';

async function blobContentType(blobs: BlobStore, digest: Digest): Promise<string> {
  // issue 4: the media type the referencing manifest gives the blob, else application/octet-stream
  return (await blobs.mediaTypeOf?.(digest)) ?? 'application/octet-stream';
}

/** The blob still arriving (blobInFlight), when the store does not have it; else the store's error. */
async function statOrInFlight(ctx: RouteContext, route: RouteOf<'blob'>, blobs: BlobStore) {
  try {
    return { info: await blobs.stat(route.digest), inFlight: undefined };
  } catch (error) {
    const inFlight = isOciError(error, 'BLOB_UNKNOWN')
      ? ctx.options.blobInFlight?.({ repository: route.name, digest: route.digest })
      : undefined;
    if (inFlight === undefined) throw error;
    return { info: { digest: route.digest, size: inFlight.size }, inFlight };
  }
}

async function headBlob(ctx: RouteContext, route: RouteOf<'blob'>): Promise<Response> {
  const { blobs } = await byDigest(ctx, route, 'read');
  const { info } = await statOrInFlight(ctx, route, blobs);
  return ctx.c.body(null, 200, {
    'Content-Length': String(info.size),
    'Content-Type': await blobContentType(blobs, route.digest),
    'Docker-Content-Digest': info.digest,
    'Accept-Ranges': 'bytes',
  });
}

async function getBlob(ctx: RouteContext, route: RouteOf<'blob'>): Promise<Response> {
  const { blobs } = await byDigest(ctx, route, 'read');
  const { info, inFlight } = await statOrInFlight(ctx, route, blobs);
  const contentType = await blobContentType(blobs, route.digest);
  const common = { 'Docker-Content-Digest': info.digest, 'Accept-Ranges': 'bytes' };
  if (inFlight !== undefined) {
    // still arriving: the whole blob (RFC 9110 lets a server answer a Range request with 200 and all of it)
    return sendStream(
      ctx.c,
      200,
      { ...common, 'Content-Type': contentType, 'Content-Length': String(info.size) },
      inFlight.open(),
    );
  }
  const range = parseRangeHeader(ctx.c.req.header('range'), info.size);
  if (range.kind === 'unsatisfiable') {
    throw new OciHttpError('RANGE_INVALID', {
      headers: { 'Content-Range': `bytes */${info.size}` },
      detail: { size: info.size },
    });
  }
  if (range.kind === 'whole') {
    const body = await blobs.read(route.digest);
    return sendStream(
      ctx.c,
      200,
      { ...common, 'Content-Type': contentType, 'Content-Length': String(info.size) },
      body,
    );
  }
  const [only] = range.ranges;
  if (only !== undefined && range.ranges.length === 1) {
    const body = await blobs.read(route.digest, only);
    return sendStream(
      ctx.c,
      206,
      {
        ...common,
        'Content-Type': contentType,
        'Content-Length': String(only.end - only.start + 1),
        'Content-Range': `bytes ${only.start}-${only.end}/${info.size}`,
      },
      body,
    );
  }
  const plan = planMultipart(range.ranges, info.size, contentType);
  const body = multipartBody(plan, (part) => blobs.read(route.digest, part));
  return sendStream(
    ctx.c,
    206,
    { ...common, 'Content-Type': plan.contentType, 'Content-Length': String(plan.contentLength) },
    body,
  );
}

async function deleteBlob(ctx: RouteContext, route: RouteOf<'blob'>): Promise<Response> {
  await (await byDigest(ctx, route, 'delete')).blobs.delete(route.digest);
  // distribution-spec "Deleting blobs": 202 Accepted on success
  return ctx.c.body(null, 202, { 'Content-Length': '0' });
}

export const blobRoutes: MethodTable<'blob'> = { HEAD: headBlob, GET: getBlob, DELETE: deleteBlob };

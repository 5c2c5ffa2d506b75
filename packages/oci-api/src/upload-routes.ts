// Blob uploads (distribution-spec "Pushing blobs"): POST starts a session, pushes monolithically (?digest=) or
// mounts from another repository (?mount=&from=); PATCH appends a chunk; GET reports progress; PUT closes; DELETE cancels.

import { isAllowed } from './access.js';
import { OciHttpError } from './error-status.js';
import { declaredLength, hasRequestBody, requestBody } from './http-io.js';
import { parseUploadContentRange, uploadRangeHeader } from './range.js';
import { assertDigest, isDigest, isValidName } from './reference.js';
import {
  locations,
  type MethodTable,
  type RouteContext,
  type RouteOf,
  repositoryOf,
} from './route-context.js';
import { OciError, type UploadStatus } from './store-contract.js';

function sessionHeaders(name: string, status: UploadStatus): Record<string, string> {
  return {
    Location: locations.upload(name, status.uploadSessionId),
    Range: uploadRangeHeader(status.offset),
    'Docker-Upload-UUID': status.uploadSessionId,
    'Content-Length': '0',
  };
}

function createdBlob(ctx: RouteContext, name: string, digest: string): Response {
  return ctx.c.body(null, 201, {
    Location: locations.blob(name, digest),
    'Docker-Content-Digest': digest,
    'Content-Length': '0',
  });
}

async function startUpload(ctx: RouteContext, route: RouteOf<'uploadStart'>): Promise<Response> {
  const identity = await ctx.access({ action: 'create', repository: route.name });
  const repository = repositoryOf(ctx, route.name);
  const mount = ctx.c.req.query('mount');
  const from = ctx.c.req.query('from');
  if (
    mount !== undefined &&
    from !== undefined &&
    isDigest(mount) &&
    isValidName(from) &&
    from !== route.name
  ) {
    // distribution-spec "Mounting a blob from another repository": 201 when mounted; when the registry cannot
    // (unknown source, or the caller may not read it: no existence leak) it falls back to a 202 upload session.
    const readable = await isAllowed(
      ctx.c,
      ctx.options,
      { action: 'read', repository: from, reference: mount, referenceType: 'digest' },
      identity,
    );
    if (readable && (await mountQuietly(repository.blobs.mount.bind(repository.blobs), mount, from)))
      return createdBlob(ctx, route.name, mount);
  }
  const digest = ctx.c.req.query('digest');
  if (digest !== undefined && mount === undefined) {
    // "POST then PUT" collapsed: a monolithic upload in one request
    assertDigest(digest);
    const length = declaredLength(ctx.c);
    const info = await repository.uploads.putBlob(
      requestBody(ctx.c),
      digest,
      length === undefined ? {} : { expectedLength: length },
    );
    return createdBlob(ctx, route.name, info.digest);
  }
  const status = await repository.uploads.start();
  return ctx.c.body(null, 202, sessionHeaders(route.name, status));
}

async function mountQuietly(
  mount: (digest: string, from: string) => Promise<boolean>,
  digest: string,
  from: string,
): Promise<boolean> {
  try {
    return await mount(digest, from);
  } catch (error) {
    // the source repository or blob is unknown: fall back to an upload session as the spec says
    if (error instanceof OciError && ['NAME_UNKNOWN', 'BLOB_UNKNOWN', 'NAME_INVALID'].includes(error.code))
      return false;
    throw error;
  }
}

/** Appends the request body to the session, honouring Content-Range (the spec requires it on chunked PATCH). */
async function appendBody(ctx: RouteContext, route: RouteOf<'upload'>): Promise<UploadStatus> {
  const { uploads } = repositoryOf(ctx, route.name);
  const range = parseUploadContentRange(ctx.c.req.header('content-range'));
  const length = declaredLength(ctx.c);
  if (range === 'invalid') {
    const status = await uploads.status(route.uploadSessionId);
    throw rangeError(route.name, status, 'malformed Content-Range');
  }
  if (range !== undefined && length !== undefined && range.end - range.start + 1 !== length) {
    throw new OciError('SIZE_INVALID', {
      detail: { contentRange: `${range.start}-${range.end}`, contentLength: length },
    });
  }
  const options: { offset?: number; expectedLength?: number } = {};
  if (range !== undefined) options.offset = range.start;
  if (length !== undefined) options.expectedLength = length;
  try {
    return await uploads.append(route.uploadSessionId, requestBody(ctx.c), options);
  } catch (error) {
    // distribution-spec: an out-of-order chunk MUST get 416, with Location and Range so the client can resume
    if (error instanceof OciError && error.code === 'RANGE_INVALID') {
      throw rangeError(route.name, await uploads.status(route.uploadSessionId), error.detail);
    }
    throw error;
  }
}

function rangeError(name: string, status: UploadStatus, detail: unknown): OciHttpError {
  const headers = sessionHeaders(name, status);
  return new OciHttpError('RANGE_INVALID', {
    headers: { Location: headers.Location ?? '', Range: headers.Range ?? '' },
    detail,
  });
}

async function patchUpload(ctx: RouteContext, route: RouteOf<'upload'>): Promise<Response> {
  await ctx.access({ action: 'create', repository: route.name });
  const status = await appendBody(ctx, route);
  return ctx.c.body(null, 202, sessionHeaders(route.name, status));
}

async function uploadStatus(ctx: RouteContext, route: RouteOf<'upload'>): Promise<Response> {
  await ctx.access({ action: 'create', repository: route.name });
  const status = await repositoryOf(ctx, route.name).uploads.status(route.uploadSessionId);
  // distribution-spec: 204 No Content with Location and Range
  return ctx.c.body(null, 204, sessionHeaders(route.name, status));
}

async function finishUpload(ctx: RouteContext, route: RouteOf<'upload'>): Promise<Response> {
  await ctx.access({ action: 'create', repository: route.name });
  const digest = ctx.c.req.query('digest');
  if (digest === undefined)
    throw new OciError('DIGEST_INVALID', { message: 'digest query parameter is required', detail: {} });
  assertDigest(digest);
  if (hasRequestBody(ctx.c)) await appendBody(ctx, route);
  const info = await repositoryOf(ctx, route.name).uploads.finish(route.uploadSessionId, digest);
  return createdBlob(ctx, route.name, info.digest);
}

async function cancelUpload(ctx: RouteContext, route: RouteOf<'upload'>): Promise<Response> {
  await ctx.access({ action: 'create', repository: route.name });
  await repositoryOf(ctx, route.name).uploads.cancel(route.uploadSessionId);
  return ctx.c.body(null, 204);
}

export const uploadStartRoutes: MethodTable<'uploadStart'> = { POST: startUpload };
export const uploadRoutes: MethodTable<'upload'> = {
  PATCH: patchUpload,
  GET: uploadStatus,
  PUT: finishUpload,
  DELETE: cancelUpload,
};

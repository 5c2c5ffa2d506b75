// Parses /v2/... paths ourselves, because repository names contain slashes: a name ends at the LAST
// `/blobs/`, `/manifests/`, `/tags/list`, `/referrers/` or `/blobs/uploads/` of the path.
import { OciHttpError } from './error-status.js';
import { assertName } from './reference.js';

export type ApiRoute =
  | { kind: 'base' }
  | { kind: 'catalog' }
  | { kind: 'discover' }
  | { kind: 'tags'; name: string }
  | { kind: 'uploadStart'; name: string }
  | { kind: 'upload'; name: string; uploadSessionId: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'referrers'; name: string; digest: string };

export type ApiRouteKind = ApiRoute['kind'];

const patterns: Array<[RegExp, (name: string, last: string) => ApiRoute]> = [
  [/^(.+)\/tags\/list$/, (name) => ({ kind: 'tags', name })],
  [/^(.+)\/blobs\/uploads\/?$/, (name) => ({ kind: 'uploadStart', name })],
  [/^(.+)\/blobs\/uploads\/([^/]+)$/, (name, id) => ({ kind: 'upload', name, uploadSessionId: id })],
  [/^(.+)\/blobs\/([^/]+)$/, (name, digest) => ({ kind: 'blob', name, digest })],
  [/^(.+)\/manifests\/([^/]+)$/, (name, reference) => ({ kind: 'manifest', name, reference })],
  [/^(.+)\/referrers\/([^/]+)$/, (name, digest) => ({ kind: 'referrers', name, digest })],
];

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // malformed escapes stay as they are and fail validation later
  }
}

/**
 * `rawPath` is the URL path as received (still percent-encoded). Throws NAME_INVALID for a bad repository name,
 * a 404 for a path that is no route of the distribution-spec.
 */
export function parseApiPath(rawPath: string): ApiRoute {
  if (rawPath === '/v2' || rawPath === '/v2/') return { kind: 'base' };
  if (!rawPath.startsWith('/v2/')) throw notFound(rawPath);
  const rest = rawPath.slice(4);
  if (rest === '_catalog') return { kind: 'catalog' };
  if (rest === '_oci/ext/discover') return { kind: 'discover' };
  for (const [pattern, build] of patterns) {
    const match = pattern.exec(rest);
    if (match === null) continue;
    const name = decode(match[1] ?? '');
    assertName(name);
    return build(name, decode(match[2] ?? ''));
  }
  throw notFound(rawPath);
}

function notFound(path: string): OciHttpError {
  return new OciHttpError('UNSUPPORTED', { status: 404, message: 'no such route', detail: { path } });
}

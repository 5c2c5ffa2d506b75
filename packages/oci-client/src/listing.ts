// Lists: tags and the catalog page by page (the Link header names the next page), the referrers of a digest
// (the referrers API, else the tag schema `<alg>-<hex>` index of distribution-spec 1.1 for registries
// without it, such as distribution 2.8), and the /v2/ ping.
import type { Caller } from './caller.js';
import { RegistryClientError } from './errors.js';
import { readBody } from './http.js';
import { CATALOG_SCOPE, pullScope } from './scopes.js';

export interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The `rel="next"` target of a Link header, as a path with query. */
export function nextLink(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(header);
  return match?.[1];
}

async function json<T>(body: Parameters<typeof readBody>[0], what: string): Promise<T> {
  const text = (await readBody(body, 16 * 1024 * 1024)).toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new RegistryClientError('INVALID_RESPONSE', `${what}: not JSON`, { cause });
  }
}

async function* pages<T>(
  caller: Caller,
  firstPath: string,
  scopes: string[],
  what: string,
  pick: (body: T) => string[],
  signal?: AbortSignal,
): AsyncGenerator<string> {
  let path: string | undefined = firstPath;
  const seen = new Set<string>();
  while (path !== undefined) {
    // a Link that loops back (a broken registry) ends the listing instead of spinning forever
    if (seen.has(path)) return;
    seen.add(path);
    const response = await caller.call({
      method: 'GET',
      path,
      scopes,
      expect: [200],
      what,
      ...(signal === undefined ? {} : { signal }),
    });
    const link = nextLink(first(response.headers.link));
    yield* pick(await json<T>(response.body, what));
    path = link;
  }
}

export function listTags(
  caller: Caller,
  repository: string,
  options: { pageSize?: number; signal?: AbortSignal } = {},
) {
  const query = options.pageSize === undefined ? '' : `?n=${options.pageSize}`;
  return pages<{ tags?: string[] | null }>(
    caller,
    `/v2/${repository}/tags/list${query}`,
    [pullScope(repository)],
    `GET tags ${repository}`,
    (body) => body.tags ?? [],
    options.signal,
  );
}

export function listRepositories(caller: Caller, options: { pageSize?: number; signal?: AbortSignal } = {}) {
  return pages<{ repositories?: string[] | null }>(
    caller,
    `/v2/_catalog?n=${options.pageSize ?? 1000}`,
    [CATALOG_SCOPE],
    'GET catalog',
    (body) => body.repositories ?? [],
    options.signal,
  );
}

/** The referrers of `digest`; an empty list when the registry knows none (either way of asking). */
export async function listReferrers(
  caller: Caller,
  repository: string,
  digest: string,
  options: { artifactType?: string; signal?: AbortSignal } = {},
): Promise<ReferrerDescriptor[]> {
  const what = `GET referrers ${repository}@${digest}`;
  const query =
    options.artifactType === undefined ? '' : `?artifactType=${encodeURIComponent(options.artifactType)}`;
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const response = await caller.call({
    method: 'GET',
    path: `/v2/${repository}/referrers/${digest}${query}`,
    headers: { accept: 'application/vnd.oci.image.index.v1+json' },
    scopes: [pullScope(repository)],
    expect: [200, 404, 400, 405],
    what,
    ...signal,
  });
  let manifests: ReferrerDescriptor[];
  if (response.status === 200) {
    manifests = (await json<{ manifests?: ReferrerDescriptor[] }>(response.body, what)).manifests ?? [];
  } else {
    response.body.resume();
    // distribution-spec 1.1: without the API, referrers sit in an index tagged <alg>-<hex>
    const fallbackTag = digest.replace(':', '-');
    const fallback = await caller.call({
      method: 'GET',
      path: `/v2/${repository}/manifests/${fallbackTag}`,
      headers: { accept: 'application/vnd.oci.image.index.v1+json' },
      scopes: [pullScope(repository)],
      expect: [200, 404],
      what: `${what} (tag schema)`,
      ...signal,
    });
    if (fallback.status === 404) {
      fallback.body.resume();
      return [];
    }
    manifests = (await json<{ manifests?: ReferrerDescriptor[] }>(fallback.body, what)).manifests ?? [];
  }
  // a registry that ignored the filter is filtered here (OCI-Filters-Applied absent)
  return options.artifactType === undefined
    ? manifests
    : manifests.filter((m) => m.artifactType === options.artifactType);
}

/** GET /v2/: true when the registry answers and the credentials (if any) are accepted. */
export async function ping(caller: Caller, signal?: AbortSignal): Promise<void> {
  const response = await caller.call({
    method: 'GET',
    path: '/v2/',
    scopes: [],
    expect: [200],
    what: 'GET /v2/',
    ...(signal === undefined ? {} : { signal }),
  });
  response.body.resume();
}

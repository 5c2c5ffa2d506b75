// One authenticated request to any path of the registry, for APIs beside the distribution spec that a client
// still reaches through the registry's auth, TLS and retries: extension discovery (/v2/_oci/ext/discover),
// zot's GraphQL search (/v2/_zot/ext/search), its mgmt and signature endpoints, or a raw /v2/ ping whose 401 is
// an answer. The body is read whole, capped: these answers are small documents, never blobs.
import type { IncomingHttpHeaders } from 'node:http';
import type { Caller } from './caller.js';
import { RegistryClientError } from './errors.js';
import { readBody } from './http.js';

export interface RegistryRequest {
  /** A path on the registry with its query: `/v2/_zot/ext/search?query=...`. Never another origin. */
  path: string;
  /** Default GET. */
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Token scopes the request needs on a Bearer registry (`repository:<name>:pull`); default none. */
  scopes?: string[];
  /** Statuses that are answers; any other becomes a RegistryClientError by status. Default [200]. */
  expect?: number[];
  /** Largest body read; a longer one fails with INVALID_RESPONSE. Default 16 MiB. */
  maxBytes?: number;
  signal?: AbortSignal;
}

export interface RegistryAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: URL;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

export async function sendRequest(caller: Caller, request: RegistryRequest): Promise<RegistryAnswer> {
  // an absolute URL or a protocol-relative one would carry the registry's credentials elsewhere
  if (!request.path.startsWith('/') || request.path.startsWith('//'))
    throw new TypeError(`${request.path}: a request path starts with a single /`);
  const method = request.method ?? 'GET';
  const what = `${method} ${request.path.split('?')[0]}`;
  const response = await caller.call({
    method,
    path: request.path,
    headers: request.headers ?? {},
    ...(request.body === undefined ? {} : { body: request.body }),
    scopes: request.scopes ?? [],
    expect: request.expect ?? [200],
    what,
    ...(request.signal === undefined ? {} : { signal: request.signal }),
  });
  let body: Buffer;
  try {
    body = await readBody(response.body, request.maxBytes ?? DEFAULT_MAX_BYTES);
  } catch (cause) {
    const tooLarge = /larger than/.test((cause as Error).message);
    throw new RegistryClientError(
      tooLarge ? 'INVALID_RESPONSE' : 'UNREACHABLE',
      `${what}: ${(cause as Error).message}`,
      {
        status: response.status,
        url: response.url.toString(),
        cause,
      },
    );
  }
  return { status: response.status, headers: response.headers, body, url: response.url };
}

/** The body of an answer as JSON, or INVALID_RESPONSE naming the request. */
export function answerJson<T = unknown>(answer: RegistryAnswer): T {
  try {
    return JSON.parse(answer.body.toString('utf8')) as T;
  } catch (cause) {
    throw new RegistryClientError('INVALID_RESPONSE', `${answer.url.pathname}: the answer is not JSON`, {
      status: answer.status,
      url: answer.url.toString(),
      cause,
    });
  }
}

// The request pipeline every operation goes through: the per-registry concurrency limit, the auth header for
// the request's scopes (learning the scheme from the first 401), and retries with backoff on 429/5xx and
// broken connections, honouring Retry-After. Operations (manifests.ts, blobs.ts, listing.ts) only say what to
// send and which statuses they expect.
import { type Credentials, createTokenSource, type TokenSource } from './auth.js';
import { RegistryClientError, statusError } from './errors.js';
import { type HttpResponse, type RequestBody, readBody, type Transport } from './http.js';
import type { Limiter } from './limiter.js';
import {
  backoffMs,
  isAbort,
  isConnectionError,
  isRetriedStatus,
  type RetryPolicy,
  retryAfterMs,
  sleep,
} from './retry.js';

export interface Call {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** A path under the registry's base URL (`/v2/...`, with its query), or an absolute upload Location. */
  path: string;
  headers?: Record<string, string>;
  /** Bytes, or a factory of a fresh stream for each attempt (a retry sends the body again). */
  body?: RequestBody;
  scopes: string[];
  /** Statuses that are answers, not errors (404 included when the caller handles absence). */
  expect: number[];
  /** What is being done, for error messages: `GET manifest lib/app:v1`. */
  what: string;
  signal?: AbortSignal;
}

export interface Caller {
  readonly baseUrl: URL;
  /** Sends the call; the response's body must be consumed or destroyed (it holds a concurrency slot). */
  call(call: Call): Promise<HttpResponse>;
  /** Observers of retries (tests, sync's log lines). */
  onRetry?: (event: { what: string; attempt: number; waitMs: number; reason: string }) => void;
}

export function createCaller(options: {
  baseUrl: URL;
  transport: Transport;
  limiter: Limiter;
  retry: RetryPolicy;
  credentials?: Credentials;
  /** Send Basic credentials from the first request instead of waiting for a 401 (see RegistryClientOptions). */
  basicUpfront?: boolean;
  userAgent: string;
  onRetry?: Caller['onRetry'];
}): Caller {
  const { baseUrl, transport, limiter, retry } = options;
  const tokens: TokenSource = createTokenSource(options.credentials, (request) => transport.send(request), {
    basicUpfront: options.basicUpfront === true,
  });

  async function attempt(call: Call, release: () => void): Promise<HttpResponse> {
    let authRetried = false;
    for (let attemptNo = 0; ; attemptNo++) {
      const url = new URL(call.path, baseUrl);
      const headers: Record<string, string> = { 'user-agent': options.userAgent, ...call.headers };
      // the token only goes to the registry's own origin (an upload Location may point elsewhere)
      if (url.origin === baseUrl.origin) {
        const authorization = await tokens.header(call.scopes, call.signal);
        if (authorization !== undefined) headers.authorization = authorization;
      }
      let response: HttpResponse;
      try {
        response = await transport.send({
          method: call.method,
          url,
          headers,
          ...(call.body === undefined ? {} : { body: call.body }),
          ...(call.signal === undefined ? {} : { signal: call.signal }),
        });
      } catch (error) {
        if (isAbort(error) || call.signal?.aborted)
          throw new RegistryClientError('ABORTED', `${call.what}: aborted`, { cause: error });
        if (!isConnectionError(error) || attemptNo >= retry.maxRetries)
          throw new RegistryClientError('UNREACHABLE', `${call.what}: ${(error as Error).message}`, {
            url: url.toString(),
            cause: error,
          });
        const waitMs = backoffMs(retry, attemptNo);
        options.onRetry?.({
          what: call.what,
          attempt: attemptNo + 1,
          waitMs,
          reason: (error as Error).message,
        });
        await sleep(waitMs, call.signal);
        continue;
      }
      if (response.status === 401 && !authRetried) {
        response.body.resume();
        authRetried = true;
        if (await tokens.learn(response, call.scopes, call.signal)) {
          attemptNo--;
          continue;
        }
        response.body.once('close', release);
        return failOrReturn(call, response);
      }
      if (
        isRetriedStatus(response.status) &&
        !call.expect.includes(response.status) &&
        attemptNo < retry.maxRetries
      ) {
        response.body.resume();
        const header = response.headers['retry-after'];
        const waitMs = backoffMs(retry, attemptNo, retryAfterMs(Array.isArray(header) ? header[0] : header));
        options.onRetry?.({
          what: call.what,
          attempt: attemptNo + 1,
          waitMs,
          reason: `HTTP ${response.status}`,
        });
        await sleep(waitMs, call.signal);
        continue;
      }
      response.body.once('close', release);
      return failOrReturn(call, response);
    }
  }

  async function failOrReturn(call: Call, response: HttpResponse): Promise<HttpResponse> {
    if (call.expect.includes(response.status)) return response;
    const text = (await readBody(response.body, 64 * 1024).catch(() => Buffer.alloc(0))).toString('utf8');
    throw statusError(response.status, call.what, text, response.url.toString());
  }

  return {
    baseUrl,
    async call(call) {
      const release = await limiter.acquire(call.signal);
      try {
        return await attempt(call, release);
      } catch (error) {
        release();
        throw error;
      }
    },
  };
}

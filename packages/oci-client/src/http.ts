// One HTTP exchange over node:http/https, streamed both ways: the response body is the socket's
// IncomingMessage, never buffered here. A keep-alive agent per client carries the TLS options (custom CA,
// client certificate, verify off). The socket idle timeout bounds a stalled upstream without putting a
// deadline on a large blob that keeps flowing. Redirects (blob GETs to object storage) are followed, and the
// Authorization header is dropped when the redirect leaves the registry's origin.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import type { ResolvedTls } from './tls.js';

export type RequestBody = Uint8Array | (() => Readable);

export interface HttpRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: RequestBody;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: IncomingMessage;
  /** The URL that answered (after redirects): Location headers resolve against it. */
  url: URL;
}

export interface Transport {
  send(request: HttpRequest): Promise<HttpResponse>;
  close(): void;
}

const MAX_REDIRECTS = 5;

export function createTransport(tls: ResolvedTls, idleTimeoutMs: number, maxSockets: number): Transport {
  const http = new HttpAgent({ keepAlive: true, maxSockets });
  const https = new HttpsAgent({ keepAlive: true, maxSockets, ...tls });

  function once(request: HttpRequest): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const secure = request.url.protocol === 'https:';
      const send = secure ? httpsRequest : httpRequest;
      const outgoing = send(
        request.url,
        {
          method: request.method,
          headers: request.headers,
          agent: secure ? https : http,
          ...(request.signal === undefined ? {} : { signal: request.signal }),
        },
        (incoming) =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: incoming,
            url: request.url,
          }),
      );
      outgoing.setTimeout(idleTimeoutMs, () => {
        const error = Object.assign(new Error(`no data from ${request.url.host} for ${idleTimeoutMs} ms`), {
          code: 'ETIMEDOUT',
        });
        outgoing.destroy(error);
      });
      outgoing.on('error', reject);
      const body = request.body;
      if (body === undefined) outgoing.end();
      else if (body instanceof Uint8Array) outgoing.end(body);
      else {
        const stream = body();
        stream.on('error', (error) => outgoing.destroy(error));
        stream.pipe(outgoing);
      }
    });
  }

  return {
    async send(request) {
      let current = request;
      for (let hop = 0; ; hop++) {
        const response = await once(current);
        const location = response.headers.location;
        const redirected = [301, 302, 303, 307, 308].includes(response.status) && location !== undefined;
        // only bodiless requests follow redirects: a streamed body cannot be sent twice
        if (!redirected || hop >= MAX_REDIRECTS || (current.body !== undefined && current.method !== 'GET'))
          return response;
        response.body.resume();
        const next = new URL(location, current.url);
        const headers = { ...current.headers };
        if (next.origin !== request.url.origin) delete headers.authorization;
        current = {
          ...current,
          url: next,
          headers,
          method: response.status === 303 ? 'GET' : current.method,
        };
      }
    },
    close() {
      http.destroy();
      https.destroy();
    },
  };
}

/** Reads a (small) response body whole: manifests, token answers, error bodies. Capped against a hostile peer. */
export async function readBody(body: Readable, maxBytes = 8 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > maxBytes) {
      body.destroy();
      throw new Error(`response body larger than ${maxBytes} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** One request as a client's observer sees it: when sent, then when answered (status) or failed (error). */
export interface ExchangeEvent {
  phase: 'sent' | 'answered' | 'failed';
  method: string;
  url: URL;
  status?: number;
  /** From sending to the response headers (answered, failed). */
  durationMs?: number;
  error?: Error;
}

/** The transport with every request reported to `observe` (a CLI's --debug lines), token requests included. */
export function observeTransport(transport: Transport, observe: (event: ExchangeEvent) => void): Transport {
  return {
    async send(request) {
      const { method, url } = request;
      observe({ phase: 'sent', method, url });
      const started = performance.now();
      try {
        const response = await transport.send(request);
        observe({
          phase: 'answered',
          method,
          url: response.url,
          status: response.status,
          durationMs: performance.now() - started,
        });
        return response;
      } catch (error) {
        observe({
          phase: 'failed',
          method,
          url,
          durationMs: performance.now() - started,
          error: error as Error,
        });
        throw error;
      }
    },
    close: () => transport.close(),
  };
}

// HTTP for the registry client, on node:http/https so that `verify-tls: false` maps to
// rejectUnauthorized without another dependency. Bodies of registry API answers (JSON documents,
// config blobs) are small and read whole; the client never downloads layers.

import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { networkError } from './errors.js';

export interface TransportOptions {
  readonly verifyTls: boolean;
  /** `Authorization` header value sent on every request, if any. */
  readonly authorization?: string;
  /** Receives one line per request and response (the CLI's --debug). */
  readonly log?: (line: string) => void;
  readonly timeoutMs?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

export type Transport = (
  method: 'GET' | 'HEAD',
  url: string,
  headers?: Record<string, string>,
) => Promise<HttpResponse>;

export function createTransport(options: TransportOptions): Transport {
  const httpAgent = new HttpAgent({ keepAlive: true });
  const httpsAgent = new HttpsAgent({ keepAlive: true, rejectUnauthorized: options.verifyTls });
  const timeoutMs = options.timeoutMs ?? 30_000;

  return (method, url, headers = {}) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const target = new URL(url);
      const isHttps = target.protocol === 'https:';
      const allHeaders: Record<string, string> = { 'user-agent': 'zli (zot-ts)', ...headers };
      if (options.authorization !== undefined) allHeaders.authorization = options.authorization;
      options.log?.(`> ${method} ${url}`);
      const started = performance.now();
      const send = isHttps ? httpsRequest : httpRequest;
      const outgoing = send(
        target,
        { method, headers: allHeaders, agent: isHttps ? httpsAgent : httpAgent, timeout: timeoutMs },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', (error) => reject(networkError(url, error)));
          incoming.on('end', () => {
            const status = incoming.statusCode ?? 0;
            options.log?.(`< ${status} ${method} ${url} (${Math.round(performance.now() - started)} ms)`);
            resolve({ status, headers: incoming.headers, body: Buffer.concat(chunks) });
          });
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      outgoing.on('error', (error) => reject(networkError(url, error)));
      outgoing.end();
    });
}

/** The value of one header, whichever way Node delivered it. */
export function headerValue(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

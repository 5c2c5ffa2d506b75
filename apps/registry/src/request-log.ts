// One JSON line per request (method, path, status, latency, bytes, client IP, subject) and, for every write,
// one line in the audit log (who, what, result), as zot's log.output and log.audit.

import type { ServerResponse } from 'node:http';
import type { OciApiEnv } from '@zot-ts/oci-api';
import type { Context, MiddlewareHandler } from 'hono';
import type { Logger, LogSink } from './log-sink.js';

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestLogOptions {
  logger: Logger;
  audit?: LogSink;
}

/**
 * Counts the body bytes written to the Node response. @hono/node-server writes buffered bodies (JSON from
 * c.json, the /metrics text, auth routes) with the length only in writeHead, where no header API can read it
 * back, so the count is taken at the one place every body passes: the response's write and end.
 */
function countBodyBytes(outgoing: ServerResponse): () => number {
  let bytes = 0;
  const add = (chunk: unknown, encoding: unknown) => {
    if (typeof chunk === 'string')
      bytes += Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    else if (chunk instanceof Uint8Array) bytes += chunk.byteLength;
  };
  const write = outgoing.write;
  const end = outgoing.end;
  outgoing.write = function countedWrite(this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    add(chunk, rest[0]);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof outgoing.write;
  outgoing.end = function countedEnd(this: ServerResponse, ...args: unknown[]) {
    if (typeof args[0] !== 'function') add(args[0], args[1]);
    return (end as (...args: unknown[]) => ServerResponse).apply(this, args);
  } as typeof outgoing.end;
  return () => bytes;
}

export function requestLog(options: RequestLogOptions): MiddlewareHandler<OciApiEnv> {
  return async function requestLogMiddleware(c, next) {
    const started = performance.now();
    const outgoing = c.env?.outgoing;
    const written = outgoing === undefined ? undefined : countBodyBytes(outgoing);
    await next();
    // under the Node server, log once the response is done (or the client gone): every byte is counted,
    // and the latency covers the body as a client receives it
    if (outgoing !== undefined && !outgoing.closed)
      outgoing.once('close', () => writeLines(c, options, started, written?.()));
    else writeLines(c, options, started, written?.());
  };
}

function writeLines(
  c: Context<OciApiEnv>,
  options: RequestLogOptions,
  started: number,
  written: number | undefined,
): void {
  const status = c.get('responseStatus') ?? c.res.status;
  const identity = c.get('identity');
  const clientIp = c.env?.incoming?.socket?.remoteAddress ?? '';
  const path = c.req.path;
  if (options.logger.enabled('info')) {
    const fields: Record<string, unknown> = {
      method: c.req.method,
      path,
      status,
      latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
      // without a Node response (app.request in tests): what oci-api counted, else the Content-Length
      bytes: written ?? c.get('responseBytes') ?? Number(c.res.headers.get('content-length') ?? 0),
      clientIp,
    };
    // 499, as nginx logs it: the client closed the connection before the answer (mid-upload, mid-download)
    if (status === 499) fields.clientAborted = true;
    if (identity !== undefined) fields.subject = identity.username;
    options.logger.info('request', fields);
  }
  if (options.audit !== undefined && writeMethods.has(c.req.method)) {
    options.audit.write({
      level: 'info',
      message: 'audit',
      subject: identity?.username ?? 'anonymous',
      clientIp,
      method: c.req.method,
      path,
      repository: c.get('repository') ?? '',
      status,
      result: status < 400 ? 'ok' : 'failed',
    });
  }
}

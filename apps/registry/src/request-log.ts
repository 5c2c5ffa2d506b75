// One JSON line per request (method, path, status, latency, bytes, client IP, subject) and, for every write,
// one line in the audit log (who, what, result), as zot's log.output and log.audit.

import type { OciApiEnv } from '@zot-ts/oci-api';
import type { MiddlewareHandler } from 'hono';
import type { Logger, LogSink } from './log-sink.js';

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestLogOptions {
  logger: Logger;
  audit?: LogSink;
}

export function requestLog(options: RequestLogOptions): MiddlewareHandler<OciApiEnv> {
  return async function requestLogMiddleware(c, next) {
    const started = performance.now();
    await next();
    const status = c.get('responseStatus') ?? c.res.status;
    const bytes = c.get('responseBytes') ?? Number(c.res.headers.get('content-length') ?? 0);
    const identity = c.get('identity');
    const clientIp = c.env?.incoming?.socket?.remoteAddress ?? '';
    const path = c.req.path;
    if (options.logger.enabled('info')) {
      const fields: Record<string, unknown> = {
        method: c.req.method,
        path,
        status,
        latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
        bytes,
        clientIp,
      };
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
  };
}

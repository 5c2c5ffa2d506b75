// An HTTP proxy in front of a registry that misbehaves on purpose, once per armed fault: it cuts the
// connection part-way through a blob body, or answers 429 with Retry-After. Everything else is forwarded
// unchanged (Host rewritten), so clients see a real registry with a flaky network in between.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface FaultProxy {
  url: string;
  /** The next `times` blob GETs (whole, not Range) of bodies longer than `bytes` are cut after `bytes` bytes. */
  dropBlobAfter(bytes: number, times?: number): void;
  /** The next `times` requests whose path matches get 429 with `Retry-After: seconds`. */
  tooManyRequests(times: number, retryAfterSeconds: number, pathPattern?: RegExp): void;
  /** Every request seen: method, path, Range header, and the status the proxy answered or forwarded. */
  readonly log: Array<{ method: string; path: string; range?: string; status: number; at: number }>;
  close(): Promise<void>;
}

export async function startFaultProxy(
  target: string,
  options: { rejectUnauthorized?: boolean } = {},
): Promise<FaultProxy> {
  const upstream = new URL(target);
  let drops: { bytes: number; times: number } | undefined;
  let throttles: { times: number; seconds: number; pattern: RegExp } | undefined;
  const log: FaultProxy['log'] = [];

  const server: Server = createServer((incoming: IncomingMessage, outgoing) => {
    const path = incoming.url ?? '/';
    const entry = {
      method: incoming.method ?? 'GET',
      path,
      status: 0,
      at: Date.now(),
      ...(incoming.headers.range === undefined ? {} : { range: incoming.headers.range }),
    };
    log.push(entry);
    if (throttles !== undefined && throttles.times > 0 && throttles.pattern.test(path)) {
      throttles.times--;
      entry.status = 429;
      incoming.resume();
      outgoing.writeHead(429, {
        'retry-after': String(throttles.seconds),
        'content-type': 'application/json',
      });
      outgoing.end(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }));
      return;
    }
    const isBlobGet =
      incoming.method === 'GET' && /\/blobs\/sha256:/.test(path) && incoming.headers.range === undefined;
    const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
    const forward = send(
      new URL(path, upstream),
      {
        method: incoming.method,
        headers: { ...incoming.headers, host: upstream.host },
        rejectUnauthorized: options.rejectUnauthorized ?? false,
      },
      (answer) => {
        entry.status = answer.statusCode ?? 0;
        // armed for the next blob longer than the cut: a small blob (a config) fetched first leaves it armed
        const length = Number(answer.headers['content-length'] ?? 0);
        const cutAfter =
          isBlobGet && drops !== undefined && drops.times > 0 && length > drops.bytes
            ? drops.bytes
            : undefined;
        if (cutAfter !== undefined && drops !== undefined) drops.times--;
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        if (cutAfter === undefined) {
          answer.pipe(outgoing);
          return;
        }
        let sent = 0;
        answer.on('data', (chunk: Buffer) => {
          if (sent >= cutAfter) return;
          const room = cutAfter - sent;
          outgoing.write(chunk.subarray(0, room));
          sent += Math.min(room, chunk.length);
          if (sent >= cutAfter) {
            answer.destroy();
            // flush what was written, then break the connection with the body incomplete
            setTimeout(() => outgoing.socket?.destroy(), 20);
          }
        });
        answer.on('end', () => outgoing.end());
      },
    );
    forward.on('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    dropBlobAfter(bytes, times = 1) {
      drops = { bytes, times };
    },
    tooManyRequests(times, seconds, pattern = /./) {
      throttles = { times, seconds, pattern };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// The Node HTTP(S) server under the Hono app: timeouts that stop stalled clients without a whole-request
// deadline, a graceful close (stop accepting, let in-flight requests finish, then drop idle sockets), and
// with TLS: client certificates when a CA is configured, and the certificate reloaded when its files change
// (reload-tls.ts).
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { httpsServerOptionsOf, type TlsFiles, type TlsReloadOptions, watchTlsFiles } from './reload-tls.js';
import type { FileWatch } from './reload-watch.js';

export interface ServerTimeouts {
  /** Time allowed to receive all request headers. */
  headersMs: number;
  /** Socket inactivity: no byte in either direction for this long closes the connection. */
  idleMs: number;
  /** How long an idle keep-alive connection is kept. */
  keepAliveMs: number;
}

export const defaultTimeouts: ServerTimeouts = { headersMs: 30_000, idleMs: 120_000, keepAliveMs: 65_000 };

export interface HttpServerOptions {
  // biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its Env
  app: Hono<any>;
  address: string;
  port: number;
  /** HTTPS with these files; `cacert` asks clients for a certificate (mTLS). */
  tls?: TlsFiles & {
    /** Watch the files and swap the certificate for new connections when they change. Default: on. */
    reload?: false | TlsReloadOptions;
  };
  timeouts?: Partial<ServerTimeouts>;
}

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  /** Stops accepting, waits for in-flight requests (at most `graceMs`), then closes every socket. */
  close(graceMs?: number): Promise<void>;
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const timeouts = { ...defaultTimeouts, ...options.timeouts };
  const tls = options.tls === undefined ? undefined : await httpsServerOptionsOf(options.tls);
  const serverOptions =
    tls === undefined
      ? { createServer: createHttpServer }
      : { createServer: createHttpsServer, serverOptions: tls };
  const server = await new Promise<Server>((resolve, reject) => {
    const created = serve(
      // @hono/node-server passes { incoming, outgoing } as the env: the oci-api reads and writes them directly
      {
        fetch: options.app.fetch,
        port: options.port,
        hostname: options.address,
        overrideGlobalObjects: false,
        ...serverOptions,
      },
      () => resolve(created as Server),
    ) as Server;
    created.once('error', reject);
  });
  // no whole-request deadline: a 10 GiB upload at any steady speed must finish (zot's 60 s cut them short)
  server.requestTimeout = 0;
  server.headersTimeout = timeouts.headersMs;
  server.keepAliveTimeout = timeouts.keepAliveMs;
  // a stalled client (no byte for idleMs) loses its socket, whatever it was doing
  server.setTimeout(timeouts.idleMs, (socket) => socket.destroy());
  let tlsWatch: FileWatch | undefined;
  if (options.tls !== undefined && options.tls.reload !== false) {
    tlsWatch = await watchTlsFiles(server as unknown as TlsServer, options.tls, options.tls.reload ?? {});
  }
  const port = (server.address() as AddressInfo).port;
  const host = options.address.includes(':') ? `[${options.address}]` : options.address;
  const url = `${tls === undefined ? 'http' : 'https'}://${host === '0.0.0.0' || host === '' ? '127.0.0.1' : host}:${port}`;
  return {
    server,
    url,
    port,
    close: (graceMs = 10_000) => {
      tlsWatch?.close();
      return closeGracefully(server, graceMs);
    },
  };
}

function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    // keep-alive sockets with no request in flight would hold close() open until keepAliveMs: drop them now
    // and again as in-flight requests finish
    const sweeper = setInterval(() => server.closeIdleConnections(), 100);
    sweeper.unref();
    server.close(() => {
      clearTimeout(timer);
      clearInterval(sweeper);
      resolve();
    });
    server.closeIdleConnections();
  });
}

// startRegistry: config in, a listening registry out. Used by `zot serve` and by every end-to-end test
// (auth, zli, metrics): pass a full config object, `port: 0` for a free port, and extensions for extra routes.
import { resolve } from 'node:path';
import type { ZotConfig } from '@zot-ts/config';
import { type ComposedRegistry, composeRegistry, type RegistryExtensions } from './compose.js';
import { type ServerTimeouts, startHttpServer } from './server.js';

export interface StartRegistryOptions extends RegistryExtensions {
  config: ZotConfig;
  /** Overrides http.port; 0 picks a free port. */
  port?: number;
  /** Overrides http.address. */
  address?: string;
  timeouts?: Partial<ServerTimeouts>;
}

export interface RunningRegistry {
  /** `http://127.0.0.1:<port>` (https with TLS). */
  url: string;
  port: number;
  registry: ComposedRegistry;
  /** Graceful: stops accepting, finishes in-flight requests, closes logs. */
  close(): Promise<void>;
}

export async function startRegistry(options: StartRegistryOptions): Promise<RunningRegistry> {
  const { config } = options;
  const registry = await composeRegistry(config, options);
  const tls = config.http.tls;
  const server = await startHttpServer({
    app: registry.app,
    address: options.address ?? config.http.address,
    port: options.port ?? config.http.port,
    ...(tls === undefined ? {} : { tls: { cert: resolve(tls.cert), key: resolve(tls.key) } }),
    ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
  });
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    registry,
    close() {
      closing ??= (async () => {
        registry.health.shuttingDown = true;
        await server.close();
        await registry.close();
      })();
      return closing;
    },
  };
}

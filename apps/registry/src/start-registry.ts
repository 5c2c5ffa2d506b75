// startRegistry: config in, a listening registry out. Used by `zot serve` and by every end-to-end test
// (auth, zli, metrics): pass a full config object, `port: 0` for a free port, and extensions for extra routes.
// With `configPath` the file is watched and reloaded (reload-config.ts); the TLS files are always watched.
import { resolve } from 'node:path';
import { refuseNotBuiltSettings, type ZotConfig } from '@zot-ts/config';
import { type ComposedRegistry, composeRegistry, type RegistryExtensions } from './compose.js';
import { sharedCacheDriverOf } from './features/scale-out.js';
import {
  type ConfigReloadOutcome,
  type ConfigWatchOptions,
  createConfigReloader,
  watchConfigFile,
} from './reload-config.js';
import type { TlsReloadEvent } from './reload-tls.js';
import type { FileWatch } from './reload-watch.js';
import { type ServerTimeouts, startHttpServer } from './server.js';
import { checkConfiguredFiles, htpasswdEntriesIgnored } from './startup-checks.js';
import { lockStorageRoots } from './storage-lock.js';
import { prepareStorageRoots, storageRootsOf, storageWritableCheck } from './storage-root.js';

export interface StartRegistryOptions extends RegistryExtensions {
  config: ZotConfig;
  /** Overrides http.port; 0 picks a free port. */
  port?: number;
  /** Overrides http.address. */
  address?: string;
  timeouts?: Partial<ServerTimeouts>;
  /** The file `config` came from: watched, and reloaded when it changes (`zot serve <config>`). */
  configPath?: string;
  /** Poll periods backing up the file watchers (config file, TLS files). Default 1000 ms. */
  reloadPollMs?: number;
}

export interface RunningRegistry {
  /** `http://127.0.0.1:<port>` (https with TLS). */
  url: string;
  port: number;
  registry: ComposedRegistry;
  /** Reloads `configPath` now (as a change of the file would); `unchanged` without a config file. */
  reloadConfig(): Promise<ConfigReloadOutcome>;
  /** Graceful: stops accepting, finishes in-flight requests, closes logs. */
  close(): Promise<void>;
}

export async function startRegistry(options: StartRegistryOptions): Promise<RunningRegistry> {
  const { config } = options;
  // In this order (issue 20): refuse settings we would silently ignore; create and check the storage roots
  // and lock them before anything else touches them; bind the port; only then start background jobs (GC),
  // so a second `zot serve` on the same root or port fails before doing any work.
  const notBuilt = refuseNotBuiltSettings(config, options.configPath);
  await checkConfiguredFiles(config);
  const roots = storageRootsOf(config);
  await prepareStorageRoots(roots);
  // Several instances share one storage only with the redis cacheDriver (their locks are in Redis), and a worker
  // of a cluster (http.workers) leaves the roots' lock to the primary, which holds it for all of its workers;
  // otherwise the root is this process's alone
  const storageLock =
    sharedCacheDriverOf(config) || options.worker !== undefined
      ? { paths: [], release: async () => undefined }
      : await lockStorageRoots(roots.map((root) => root.path));
  let registry: Awaited<ReturnType<typeof composeRegistry>>;
  try {
    registry = await composeRegistry(config, options);
  } catch (error) {
    await storageLock.release();
    throw error;
  }
  const { logger } = registry;
  for (const finding of notBuilt) logger.warn(`${finding.path}: ${finding.message}`, { key: finding.key });
  const htpasswdPath = config.http.auth?.htpasswd?.path;
  if (htpasswdPath !== undefined) {
    for (const { user, hash } of await htpasswdEntriesIgnored(htpasswdPath).catch(() => []))
      logger.warn(
        `http.auth.htpasswd.path: user "${user}" has a ${hash} hash; only bcrypt (htpasswd -B) is accepted, so "${user}" cannot log in`,
        { user },
      );
  }
  registry.health.storageProblem = storageWritableCheck(roots);
  const tls = config.http.tls;
  const pollMs = options.reloadPollMs === undefined ? {} : { pollMs: options.reloadPollMs };
  const onTlsReload = (event: TlsReloadEvent) => {
    if (event.kind === 'reloaded')
      logger.info('tls certificate reloaded', { fingerprint256: event.fingerprint256 });
    else
      logger.error('tls certificate reload failed, keeping the previous one', { error: String(event.error) });
  };
  const listening = startHttpServer({
    app: registry.app,
    address: options.address ?? config.http.address,
    port: options.port ?? config.http.port,
    ...(tls === undefined
      ? {}
      : {
          tls: {
            cert: resolve(tls.cert),
            key: resolve(tls.key),
            ...(tls.cacert === undefined ? {} : { cacert: resolve(tls.cacert) }),
            reload: { onReload: onTlsReload, ...pollMs },
          },
        }),
    ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
  });
  let server: Awaited<typeof listening>;
  try {
    server = await listening;
  } catch (error) {
    await registry.close();
    await storageLock.release();
    throw error;
  }
  registry.start();

  const reloader =
    options.configPath === undefined
      ? undefined
      : createConfigReloader({
          path: options.configPath,
          running: config,
          logger,
          policiesEnforced: registry.auth.enabled || config.http.accessControl !== undefined,
          ...(registry.auth.reloadAccessControl === undefined
            ? {}
            : { reloadAccessControl: registry.auth.reloadAccessControl }),
        });
  const watchOptions: ConfigWatchOptions = pollMs;
  const configWatch: FileWatch | undefined =
    reloader === undefined || options.configPath === undefined
      ? undefined
      : await watchConfigFile(reloader, options.configPath, watchOptions);

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    registry,
    reloadConfig: () => reloader?.reload() ?? Promise.resolve({ kind: 'unchanged' }),
    close() {
      closing ??= (async () => {
        configWatch?.close();
        registry.health.shuttingDown = true;
        await server.close();
        await registry.close();
        await storageLock.release();
      })();
      return closing;
    },
  };
}

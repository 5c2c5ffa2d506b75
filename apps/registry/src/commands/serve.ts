// `zot serve [config]`: with no config the embedded default (127.0.0.1:5000, storage ./data); with a zot config
// file (JSON or YAML) what it says. Runs until SIGTERM/SIGINT, then shuts down gracefully and exits 0.
// With a config file, the file is watched: access policies reload when it changes (reload-config.ts), and
// SIGHUP reloads it at once. TLS certificate files are watched and reloaded in any case.
// With `http.workers` above 1 this process becomes the cluster primary (cluster.ts) and each worker runs the
// same command as a worker: a whole registry on the shared port.
import { defaultConfig, loadConfig } from '@zot-ts/config';
import { runClusterPrimary, workerCountOf, workerIndexOf } from '../cluster.js';

export async function runServe(args: string[]): Promise<number> {
  const [configPath, ...extra] = args;
  if (extra.length > 0) {
    process.stderr.write('usage: zot serve [config]\n');
    return 2;
  }
  const config = configPath === undefined ? defaultConfig() : await loadConfig(configPath);
  const workerIndex = workerIndexOf();
  if (workerIndex === undefined) {
    const workers = workerCountOf(config);
    if (workers > 1) {
      const code = await runClusterPrimary(config, configPath, workers);
      process.exit(code);
    }
  }
  const worker = workerIndex === undefined ? {} : { worker: { index: workerIndex } };
  // loaded here, not at the top: a cluster primary never serves, so it does not load the registry at all
  const { startRegistry } = await import('../start-registry.js');
  const starting = startRegistry(
    configPath === undefined ? { config, ...worker } : { config, configPath, ...worker },
  );
  if (workerIndex !== undefined) {
    // a worker that cannot start (the port is taken) must exit: its IPC channel to the primary would keep
    // it alive, and the primary stops the server when a worker exits before it ever listened
    starting.catch((error: unknown) => {
      process.stderr.write(
        `zot: worker ${workerIndex}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    });
  }
  const running = await starting;
  running.registry.logger.info('listening', {
    url: running.url,
    rootDirectory: config.storage.rootDirectory,
    ...(configPath === undefined ? {} : { config: configPath }),
    ...(workerIndex === undefined ? {} : { worker: workerIndex }),
  });
  if (workerIndex === undefined)
    process.stderr.write(`zot: serving ${running.url} (storage ${config.storage.rootDirectory})\n`);
  else process.send?.({ type: 'zot-listening', url: running.url });

  const reload = () => {
    void running.reloadConfig(); // never throws: a rejected config is logged and the running one kept
  };
  const shutdown = (signal: NodeJS.Signals | 'disconnect') => {
    process.off('SIGHUP', reload);
    if (workerIndex === undefined) process.stderr.write(`zot: ${signal}, finishing in-flight requests\n`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`zot: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  if (configPath !== undefined) process.on('SIGHUP', reload);
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  // a worker whose primary is gone (killed) stops too: nobody hands it connections any more
  if (workerIndex !== undefined) process.once('disconnect', () => shutdown('disconnect'));
  return -1; // keep running
}

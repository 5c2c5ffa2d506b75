// `zot serve [config]`: with no config the embedded default (127.0.0.1:5000, storage ./data); with a zot config
// file (JSON or YAML) what it says. Runs until SIGTERM/SIGINT, then shuts down gracefully and exits 0.
import { defaultConfig, loadConfig } from '@zot-ts/config';
import { startRegistry } from '../start-registry.js';

export async function runServe(args: string[]): Promise<number> {
  const [configPath, ...extra] = args;
  if (extra.length > 0) {
    process.stderr.write('usage: zot serve [config]\n');
    return 2;
  }
  const config = configPath === undefined ? defaultConfig() : await loadConfig(configPath);
  const running = await startRegistry({ config });
  running.registry.logger.info('listening', {
    url: running.url,
    rootDirectory: config.storage.rootDirectory,
  });
  process.stderr.write(`zot: serving ${running.url} (storage ${config.storage.rootDirectory})\n`);

  const shutdown = (signal: NodeJS.Signals) => {
    process.stderr.write(`zot: ${signal}, finishing in-flight requests\n`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`zot: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return -1; // keep running
}

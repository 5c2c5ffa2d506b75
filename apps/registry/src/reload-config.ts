// Config reload for `zot serve <config>` (issue 6): when the file changes, it is loaded and checked again,
// and what can change in a running server is swapped in; everything else is logged and ignored.
//
// - Applied live: `http.accessControl`. Policies are recompiled and swapped atomically (requests see the old
//   set or the new one, never a mix). The htpasswd file reloads itself (packages/auth), so new users and
//   passwords need no config change at all.
// - A broken new config (unreadable, bad syntax, schema errors, a CEL expression that does not compile)
//   keeps the running one whole, and one JSON log line lists every problem with its config path.
// - Anything else that differs (address, port, TLS files, storage roots, auth methods, log settings...) is
//   logged as "needs restart" with its paths and ignored until the next start.
import { PolicyCompileError } from '@zot-ts/authz-cel';
import {
  type AccessControlConfig,
  ConfigError,
  type ConfigIssue,
  loadConfig,
  type ZotConfig,
} from '@zot-ts/config';
import type { Logger } from './log-sink.js';
import { changedSettings } from './reload-diff.js';
import { type FileWatch, watchFiles } from './reload-watch.js';

const ACCESS_CONTROL: string = 'http.accessControl';

export interface ConfigReloaderOptions {
  /** The config file that the server was started from. */
  path: string;
  /** The config the server is running with. */
  running: ZotConfig;
  logger: Logger;
  /** Compiles and swaps access policies; throws PolicyCompileError and keeps the old ones. */
  reloadAccessControl?: (next: AccessControlConfig | undefined) => void;
  /**
   * Whether the server enforces policies at all. A server started with neither authentication nor
   * accessControl has no authorizer in its request path, so adding policies needs a restart.
   */
  policiesEnforced: boolean;
  /** Loads and validates the file. Default: loadConfig. */
  load?: (path: string) => Promise<ZotConfig>;
}

export type ConfigReloadOutcome =
  | { kind: 'unchanged' }
  | { kind: 'applied'; applied: string[]; needsRestart: string[] }
  | { kind: 'rejected'; code: string; problems: ConfigIssue[] };

export interface ConfigReloader {
  /** Loads the file now and applies what it can; never throws. */
  reload(): Promise<ConfigReloadOutcome>;
  /** The running config with what was applied since the start. */
  current(): ZotConfig;
}

function withAccessControl(config: ZotConfig, next: AccessControlConfig | undefined): ZotConfig {
  const { accessControl: _previous, ...http } = config.http;
  return { ...config, http: next === undefined ? http : { ...http, accessControl: next } };
}

function problemsOf(error: unknown): { code: string; problems: ConfigIssue[] } {
  if (error instanceof ConfigError) return { code: error.code, problems: [...error.issues] };
  if (error instanceof PolicyCompileError) {
    return { code: error.code, problems: error.issues.map(({ path, message }) => ({ path, message })) };
  }
  return { code: 'CONFIG_UNREADABLE', problems: [{ path: '(file)', message: String(error) }] };
}

export function createConfigReloader(options: ConfigReloaderOptions): ConfigReloader {
  const { path, logger } = options;
  const load = options.load ?? loadConfig;
  let running = options.running;

  const reject = (error: unknown): ConfigReloadOutcome => {
    const { code, problems } = problemsOf(error);
    logger.error('config reload rejected, keeping the previous config', { path, code, problems });
    return { kind: 'rejected', code, problems };
  };

  return {
    current: () => running,
    async reload() {
      let next: ZotConfig;
      try {
        next = await load(path);
      } catch (error) {
        return reject(error);
      }
      const changed = changedSettings(running, next, new Set([ACCESS_CONTROL]));
      const live = options.policiesEnforced && options.reloadAccessControl !== undefined;
      const applied = live ? changed.filter((p) => p === ACCESS_CONTROL) : [];
      const needsRestart = changed.filter((p) => !applied.includes(p));
      if (applied.length > 0) {
        try {
          options.reloadAccessControl?.(next.http.accessControl);
        } catch (error) {
          return reject(error); // the old policies are still in force
        }
        running = withAccessControl(running, next.http.accessControl);
      }
      if (needsRestart.length > 0) {
        logger.warn('config change needs restart, ignored until then', { path, settings: needsRestart });
      }
      if (applied.length > 0) logger.info('config reloaded', { path, applied });
      if (changed.length === 0) return { kind: 'unchanged' };
      return { kind: 'applied', applied, needsRestart };
    },
  };
}

export interface ConfigWatchOptions {
  /** Fallback poll period of the file watch. Default 1000 ms. */
  pollMs?: number;
}

/** Reloads whenever the file's content changes (including a Kubernetes configMap's symlink swap). */
export function watchConfigFile(
  reloader: ConfigReloader,
  path: string,
  options: ConfigWatchOptions = {},
): Promise<FileWatch> {
  return watchFiles({
    paths: [path],
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    onChange: async () => {
      await reloader.reload();
    },
  });
}

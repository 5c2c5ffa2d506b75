// The whole zot configuration file, after defaults: what loadConfig() and parseConfig() return (deeply frozen).
import type { ExtensionsConfig } from './extensions.js';
import type { HttpConfig, TlsConfig } from './http.js';
import type { StorageConfig } from './storage.js';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'panic' | 'disabled';

export interface LogConfig {
  /** zot's default is "debug"; ours is "info". */
  level: LogLevel;
  /** A file path; unset means stdout. */
  output?: string;
  /** A file path for the audit log (one line per mutating request); unset means no audit log. */
  audit?: string;
}

export interface SchedulerConfig {
  numWorkers?: number;
}

export interface ClusterConfig {
  /** host:port of every replica, this one included. */
  members: string[];
  /** siphash key: exactly 16 characters. */
  hashKey: string;
  tls?: Partial<TlsConfig>;
}

export interface ZotConfig {
  distSpecVersion: string;
  storage: StorageConfig;
  http: HttpConfig;
  log: LogConfig;
  extensions?: ExtensionsConfig;
  scheduler?: SchedulerConfig;
  cluster?: ClusterConfig;
}

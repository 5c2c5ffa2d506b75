// Settings zot v2.1.17 accepts that zot-ts parses but does not act on yet. A setting is never accepted and
// silently ignored: `zot verify` and `zot serve` refuse the ones whose silence would lose data (storage on a
// remote driver that would land on local disk instead), and `zot serve` warns once at start, naming the key,
// for each of the others. docs/configuration.md lists the same keys (generated from this table).
//
// When a feature lands, delete its line here; the tests in test/not-built.test.ts then expect the setting to
// be silent, and the docs test expects its mark gone from docs/configuration.md.
import { ConfigError } from './errors.js';
import type { StorageOptions, ZotConfig } from './types/index.js';

export interface NotBuiltSetting {
  /** The key as docs/configuration.md spells it (`storage.subPaths.<name>.storageDriver` is covered by
   *  `storage.storageDriver`). */
  key: string;
  /** `refuse`: verify and serve fail; `warn`: serve starts and warns once. */
  action: 'refuse' | 'warn';
  /** What happens instead, said to the user. */
  effect: string;
  /** The paths in `config` that ask for this setting (none: not asked). */
  askedAt(config: ZotConfig): string[];
}

/** A finding: one place in one config that asks for a setting that is not built. */
export interface NotBuiltFinding {
  key: string;
  path: string;
  action: 'refuse' | 'warn';
  message: string;
}

/** A redis cacheDriver we can connect to: by `url`, or by one `addr` (not a cluster, not a sentinel group). */
function isSingleRedis(driver: { name: string; [parameter: string]: unknown }): boolean {
  if (driver.name !== 'redis' || driver.master_name !== undefined) return false;
  // a url with addr= parameters is go-redis's cluster URL (zot's redis cluster example): several nodes
  if (typeof driver.url === 'string') return !/[?&]addr=/.test(driver.url);
  const addr = driver.addr;
  return typeof addr === 'string' || (Array.isArray(addr) && addr.length === 1);
}

/** `storage` and every `storage.subPaths[...]` entry, with the path each is spelt at. */
function storageSections(config: ZotConfig): Array<{ path: string; options: StorageOptions }> {
  return [
    { path: 'storage', options: config.storage },
    ...Object.entries(config.storage.subPaths ?? {}).map(([route, options]) => ({
      path: `storage.subPaths[${JSON.stringify(route)}]`,
      options,
    })),
  ];
}

const when = (asked: boolean, path: string): string[] => (asked ? [path] : []);

/** Paths of `storage` and each subPaths entry where `asks(options)` holds, with `.<name>` appended. */
function inStorage(config: ZotConfig, name: string, asks: (options: StorageOptions) => boolean): string[] {
  return storageSections(config).flatMap((s) => when(asks(s.options), `${s.path}.${name}`));
}

function openidKeypaths(config: ZotConfig): string[] {
  return Object.entries(config.http.auth?.openid?.providers ?? {}).flatMap(([name, provider]) =>
    when(provider.keypath !== undefined, `http.auth.openid.providers[${JSON.stringify(name)}].keypath`),
  );
}

const refuse = (key: string, effect: string, askedAt: NotBuiltSetting['askedAt']): NotBuiltSetting => ({
  key,
  action: 'refuse',
  effect,
  askedAt,
});
const warn = (key: string, effect: string, askedAt: NotBuiltSetting['askedAt']): NotBuiltSetting => ({
  key,
  action: 'warn',
  effect,
  askedAt,
});

// One line per setting, so that a feature that lands deletes exactly its line.
// biome-ignore format: one line per setting (see above)
export const NOT_BUILT_SETTINGS: readonly NotBuiltSetting[] = [
  refuse('storage.storageDriver', 'only the s3 storage driver is built: gcs is refused, since images would land on local disk instead', (c) => inStorage(c, 'storageDriver', (o) => o.storageDriver !== undefined && o.storageDriver.name !== 's3')),
  // boltdb is zot's local dedupe cache: what we do on disk (hard links), so it is not refused
  refuse('storage.cacheDriver', 'dynamodb, and redis by cluster or sentinel (several addr, master_name), are not built; refused (boltdb, local dedupe, and redis by url or one addr are built)', (c) => inStorage(c, 'cacheDriver', (o) => o.cacheDriver !== undefined && o.cacheDriver.name !== 'boltdb' && !isSingleRedis(o.cacheDriver))),
  warn('extensions.search.cve', 'no vulnerability scanner is built: CVE queries answer with an error saying so', (c) => when(c.extensions?.search?.enable === true && c.extensions.search.cve !== undefined, 'extensions.search.cve')),
  warn('http.auth.openid.providers.<name>.keypath', 'private_key_jwt client authentication is not built yet: the provider is sent clientsecret', openidKeypaths),
  warn('http.readTimeout', 'not applied: the server uses its own header (30s) and idle (120s) timeouts', (c) => when(c.http.readTimeout !== undefined, 'http.readTimeout')),
  warn('http.writeTimeout', 'not applied: the server uses its own header (30s) and idle (120s) timeouts', (c) => when(c.http.writeTimeout !== undefined, 'http.writeTimeout')),
  warn('cluster', 'scale-out is not built yet: this instance serves every repository itself', (c) => when(c.cluster !== undefined, 'cluster')),
  warn('scheduler.numWorkers', 'not applied: background jobs run one at a time per storage root', (c) => when(c.scheduler?.numWorkers !== undefined, 'scheduler.numWorkers')),
];

/** Every place in `config` that asks for a setting in NOT_BUILT_SETTINGS, refusals first. */
export function findNotBuiltSettings(config: ZotConfig): NotBuiltFinding[] {
  const findings = NOT_BUILT_SETTINGS.flatMap((setting) =>
    setting.askedAt(config).map((path) => ({
      key: setting.key,
      path,
      action: setting.action,
      message: setting.effect,
    })),
  );
  return [...findings.filter((f) => f.action === 'refuse'), ...findings.filter((f) => f.action === 'warn')];
}

/** Throws a ConfigError (CONFIG_NOT_BUILT) naming every refused setting in `config`; returns the warnings. */
export function refuseNotBuiltSettings(config: ZotConfig, sourceName?: string): NotBuiltFinding[] {
  const findings = findNotBuiltSettings(config);
  const refused = findings.filter((f) => f.action === 'refuse');
  if (refused.length > 0)
    throw new ConfigError(
      'CONFIG_NOT_BUILT',
      refused.map((f) => ({ path: f.path, message: f.message })),
      sourceName,
    );
  return findings.filter((f) => f.action === 'warn');
}

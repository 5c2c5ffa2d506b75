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

/** zot's rule: an extension is on when its section is present and `enable` is not false (defaults.ts fills it). */
function extensionOn(
  config: ZotConfig,
  name: 'sync' | 'search' | 'ui' | 'lint' | 'events' | 'scrub',
): string[] {
  return config.extensions?.[name]?.enable === true ? [`extensions.${name}`] : [];
}

const when = (asked: boolean, path: string): string[] => (asked ? [path] : []);

export const NOT_BUILT_SETTINGS: readonly NotBuiltSetting[] = [
  {
    key: 'storage.storageDriver',
    action: 'refuse',
    effect:
      'remote storage drivers (s3, gcs) are not built yet; refused, since images would land on local disk instead',
    askedAt: (c) =>
      storageSections(c).flatMap((s) =>
        when(s.options.storageDriver !== undefined, `${s.path}.storageDriver`),
      ),
  },
  {
    key: 'storage.cacheDriver',
    action: 'refuse',
    // boltdb is zot's local dedupe cache: what we do on disk (hard links), so it is not refused
    effect:
      'remote dedupe caches (dynamodb, redis) are not built yet; refused (local dedupe, boltdb, is built)',
    askedAt: (c) =>
      storageSections(c).flatMap((s) =>
        when(
          s.options.cacheDriver !== undefined && s.options.cacheDriver.name !== 'boltdb',
          `${s.path}.cacheDriver`,
        ),
      ),
  },
  {
    key: 'storage.maxRepos',
    action: 'warn',
    effect: 'not enforced yet: any number of repositories can be created',
    askedAt: (c) =>
      storageSections(c).flatMap((s) => when(s.options.maxRepos !== undefined, `${s.path}.maxRepos`)),
  },
  {
    key: 'extensions.sync',
    action: 'warn',
    effect: 'mirroring is not built yet: nothing is synced',
    askedAt: (c) => extensionOn(c, 'sync'),
  },
  {
    key: 'extensions.search',
    action: 'warn',
    effect: 'GraphQL search is not built yet: /v2/_zot/ext/search answers 404',
    askedAt: (c) => extensionOn(c, 'search'),
  },
  {
    key: 'extensions.ui',
    action: 'warn',
    effect: 'the web UI is not built yet: nothing is served for it',
    askedAt: (c) => extensionOn(c, 'ui'),
  },
  {
    key: 'extensions.lint',
    action: 'warn',
    effect: 'not built yet: pushes missing mandatoryAnnotations are accepted',
    askedAt: (c) => extensionOn(c, 'lint'),
  },
  {
    key: 'extensions.events',
    action: 'warn',
    effect: 'not built yet: no events are sent to the sinks',
    askedAt: (c) => extensionOn(c, 'events'),
  },
  {
    key: 'extensions.scrub',
    action: 'warn',
    effect: 'periodic scrub is not built yet: run `zot scrub <config>` instead',
    askedAt: (c) => extensionOn(c, 'scrub'),
  },
  {
    key: 'extensions.trust.notation',
    action: 'warn',
    effect: 'notation signatures are recognised but not verified yet (they stay untrusted)',
    askedAt: (c) =>
      when(c.extensions?.trust?.enable === true && c.extensions.trust.notation, 'extensions.trust.notation'),
  },
  {
    key: 'http.auth.ldap',
    action: 'warn',
    effect: 'LDAP is not built yet: LDAP users cannot log in',
    askedAt: (c) => when(c.http.auth?.ldap !== undefined, 'http.auth.ldap'),
  },
  {
    key: 'http.auth.sessionDriver',
    action: 'warn',
    effect: 'the redis session driver is not built yet: sessions stay in this process',
    askedAt: (c) => when(c.http.auth?.sessionDriver?.name === 'redis', 'http.auth.sessionDriver'),
  },
  {
    key: 'http.auth.openid.providers.<name>.keypath',
    action: 'warn',
    effect: 'private_key_jwt client authentication is not built yet: the provider is sent clientsecret',
    askedAt: (c) =>
      Object.entries(c.http.auth?.openid?.providers ?? {}).flatMap(([name, provider]) =>
        when(provider.keypath !== undefined, `http.auth.openid.providers[${JSON.stringify(name)}].keypath`),
      ),
  },
  {
    key: 'http.ratelimit',
    action: 'warn',
    effect: 'rate limits are not built yet: requests are not limited',
    askedAt: (c) => when(c.http.ratelimit !== undefined, 'http.ratelimit'),
  },
  {
    key: 'http.readTimeout',
    action: 'warn',
    effect: 'not applied: the server uses its own header (30s) and idle (120s) timeouts',
    askedAt: (c) => when(c.http.readTimeout !== undefined, 'http.readTimeout'),
  },
  {
    key: 'http.writeTimeout',
    action: 'warn',
    effect: 'not applied: the server uses its own header (30s) and idle (120s) timeouts',
    askedAt: (c) => when(c.http.writeTimeout !== undefined, 'http.writeTimeout'),
  },
  {
    key: 'cluster',
    action: 'warn',
    effect: 'scale-out is not built yet: this instance serves every repository itself',
    askedAt: (c) => when(c.cluster !== undefined, 'cluster'),
  },
  {
    key: 'scheduler.numWorkers',
    action: 'warn',
    effect: 'not applied: background jobs run one at a time per storage root',
    askedAt: (c) => when(c.scheduler?.numWorkers !== undefined, 'scheduler.numWorkers'),
  },
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

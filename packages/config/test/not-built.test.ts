// Issue 20: no setting is accepted and silently ignored. One example config per key asks for exactly that key;
// the key's finding appears exactly while its entry is in NOT_BUILT_SETTINGS. When a feature lands and its
// line is deleted from the table, its example here then checks that the setting is silent, so the example
// stays (and a new entry without an example fails below).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { notBuiltRows } from '../scripts/reference-table.js';
import {
  ConfigError,
  findNotBuiltSettings,
  NOT_BUILT_SETTINGS,
  parseConfig,
  refuseNotBuiltSettings,
} from '../src/index.js';

const base = { storage: { rootDirectory: '/var/lib/zot' } };
const s3 = { name: 's3', region: 'us-east-1', bucket: 'zot', rootdirectory: '/zot' };
const gcs = { name: 'gcs', bucket: 'zot', rootdirectory: '/zot' };

/** key -> a config asking for that key. */
const examples: Record<string, Record<string, unknown>> = {
  // s3 is built; gcs is not
  'storage.storageDriver': { storage: { rootDirectory: '/zot', storageDriver: gcs, dedupe: false } },
  'storage.cacheDriver': {
    storage: { rootDirectory: '/var/lib/zot', cacheDriver: { name: 'dynamodb', region: 'us-east-1' } },
  },
  'storage.maxRepos': { storage: { rootDirectory: '/var/lib/zot', maxRepos: 10 } },
  'extensions.search': { ...base, extensions: { search: { enable: true } } },
  'extensions.search.cve': {
    ...base,
    extensions: { search: { enable: true, cve: { updateInterval: '2h' } } },
  },
  // the UI needs search (a cross-field rule), so this example asks for both
  'extensions.ui': { ...base, extensions: { search: { enable: true }, ui: { enable: true } } },
  'extensions.lint': {
    ...base,
    extensions: { lint: { enable: true, mandatoryAnnotations: ['org.opencontainers.image.source'] } },
  },
  'extensions.events': {
    ...base,
    extensions: { events: { enable: true, sinks: [{ type: 'http', address: 'http://127.0.0.1:9/events' }] } },
  },
  'extensions.scrub': { ...base, extensions: { scrub: { enable: true, interval: '24h' } } },
  'extensions.trust.notation': { ...base, extensions: { trust: { enable: true, notation: true } } },
  'http.auth.ldap': {
    ...base,
    http: {
      auth: {
        ldap: { address: 'ldap.example.com', baseDN: 'ou=users,dc=example,dc=com', userAttribute: 'uid' },
      },
    },
  },
  'http.auth.sessionDriver': {
    ...base,
    http: {
      auth: {
        htpasswd: { path: '/etc/zot/htpasswd' },
        sessionDriver: { name: 'redis', url: 'redis://127.0.0.1:6379' },
      },
    },
  },
  'http.auth.openid.providers.<name>.keypath': {
    ...base,
    http: {
      auth: {
        openid: {
          providers: {
            oidc: { issuer: 'https://id.example.com', clientid: 'zot', keypath: '/etc/zot/rp.key' },
          },
        },
      },
    },
  },
  'http.ratelimit': { ...base, http: { ratelimit: { rate: 10 } } },
  'http.readTimeout': { ...base, http: { readTimeout: '30s' } },
  'http.writeTimeout': { ...base, http: { writeTimeout: '30s' } },
  cluster: { ...base, cluster: { members: ['127.0.0.1:9000'], hashKey: 'loremipsumdolors' } },
  'scheduler.numWorkers': { ...base, scheduler: { numWorkers: 2 } },
};

const tableKeys = new Set(NOT_BUILT_SETTINGS.map((setting) => setting.key));

describe('NOT_BUILT_SETTINGS', () => {
  it('has an example config for every entry', () => {
    expect([...tableKeys].filter((key) => examples[key] === undefined)).toEqual([]);
  });

  it.each(Object.keys(examples))('%s: found exactly while it is in the table', (key) => {
    const findings = findNotBuiltSettings(parseConfig(examples[key] as object));
    expect(findings.some((f) => f.key === key)).toBe(tableKeys.has(key));
  });

  it('says nothing about a config that asks for nothing unbuilt', () => {
    expect(
      findNotBuiltSettings(
        parseConfig({
          ...base,
          storage: {
            rootDirectory: '/var/lib/zot',
            cacheDriver: { name: 'boltdb', rootDir: '/var/lib/zot' },
          },
          extensions: { metrics: {}, sync: { enable: false }, lint: {}, events: {} },
        }),
      ),
    ).toEqual([]);
  });

  it('accepts the s3 storage driver, globally and under a subPath', () => {
    const config = parseConfig({
      storage: {
        rootDirectory: '/zot',
        storageDriver: s3,
        dedupe: false,
        subPaths: {
          '/a': { rootDirectory: '/a', storageDriver: { ...s3, rootdirectory: '/a' }, dedupe: false },
        },
      },
    });
    expect(findNotBuiltSettings(config)).toEqual([]);
  });

  it('refuses a storage driver other than s3 under a subPath, naming its key, with CONFIG_NOT_BUILT', () => {
    const config = parseConfig({
      storage: {
        rootDirectory: '/var/lib/zot',
        subPaths: { '/a': { rootDirectory: '/a', storageDriver: gcs, dedupe: false } },
      },
    });
    let caught: unknown;
    try {
      refuseNotBuiltSettings(config, 'config.json');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).code).toBe('CONFIG_NOT_BUILT');
    expect((caught as ConfigError).issues).toEqual([
      { path: 'storage.subPaths["/a"].storageDriver', message: expect.stringContaining('gcs is refused') },
    ]);
  });

  it('accepts a redis cacheDriver by url or by one addr, and refuses a cluster or a sentinel group', () => {
    const withCache = (cacheDriver: object) =>
      findNotBuiltSettings(parseConfig({ storage: { rootDirectory: '/var/lib/zot', cacheDriver } }));
    expect(withCache({ name: 'redis', url: 'redis://127.0.0.1:6379', keyprefix: 'zot' })).toEqual([]);
    expect(withCache({ name: 'redis', addr: ['127.0.0.1:6379'] })).toEqual([]);
    expect(withCache({ name: 'redis', addr: ['h1:6379', 'h2:6379'] }).map((f) => f.key)).toEqual([
      'storage.cacheDriver',
    ]);
    expect(withCache({ name: 'redis', addr: ['h1:6379'], master_name: 'm' })).toHaveLength(1);
  });

  it('returns the warnings when nothing is refused', () => {
    const warnings = refuseNotBuiltSettings(parseConfig(examples['http.ratelimit'] as object));
    expect(warnings.map((w) => w.path)).toEqual(tableKeys.has('http.ratelimit') ? ['http.ratelimit'] : []);
  });
});

describe('docs/configuration.md', () => {
  const docs = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
  const section = /<!-- not-built:start -->\n([\s\S]*?)<!-- not-built:end -->/.exec(docs)?.[1] ?? '';

  it('marks exactly the keys of NOT_BUILT_SETTINGS (regenerate with scripts/reference-table.ts)', () => {
    const documented = section.split('\n').filter((line) => line.startsWith('| `'));
    expect(documented).toEqual(notBuiltRows());
  });
});

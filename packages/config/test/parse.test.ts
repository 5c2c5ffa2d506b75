import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, parseConfig } from '../src/index.js';

function issuesOf(input: unknown, options = {}): string[] {
  try {
    parseConfig(input, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('defaultConfig', () => {
  it('listens on 127.0.0.1:5000 with storage in ./data and zot storage defaults', () => {
    const config = defaultConfig();
    expect(config.http).toEqual({ address: '127.0.0.1', port: 5000, realm: 'zot' });
    expect(config.storage).toEqual({
      rootDirectory: './data',
      dedupe: true,
      remoteCache: false,
      gc: true,
      commit: false,
      gcDelay: '1h',
      gcInterval: '1h',
    });
    expect(config.log.level).toBe('info');
  });

  it('turns on search and the web UI, so a first start shows the UI at /', () => {
    const config = defaultConfig();
    expect(config.extensions?.search?.enable).toBe(true);
    expect(config.extensions?.ui?.enable).toBe(true);
  });
});

describe('parseConfig', () => {
  it('gives a file without http.port zot’s 8080, and normalises a string port to a number', () => {
    expect(parseConfig({ storage: { rootDirectory: '/r' } }).http.port).toBe(8080);
    expect(parseConfig({ storage: { rootDirectory: '/r' }, http: { port: '0' } }).http.port).toBe(0);
  });

  it('freezes the whole result', () => {
    const config = parseConfig({ storage: { rootDirectory: '/r' } });
    expect(Object.isFrozen(config.storage)).toBe(true);
    expect(() => {
      (config.http as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('matches fixed keys case-insensitively but keeps map keys exactly', () => {
    const config = parseConfig({
      STORAGE: { ROOTDIRECTORY: '/r' },
      http: {
        auth: { htpasswd: { path: '/h' } },
        accesscontrol: {
          groups: { DevOps: { USERS: ['x'] } },
          repositories: { 'Prod/**': { DEFAULTPOLICY: ['read'] } },
        },
      },
    });
    expect(config.storage.rootDirectory).toBe('/r');
    expect(config.http.accessControl?.groups.DevOps?.users).toEqual(['x']);
    expect(config.http.accessControl?.repositories['Prod/**']?.defaultPolicy).toEqual(['read']);
  });

  it('does not mutate the object it was given', () => {
    const input = { Storage: { rootDirectory: '/r' } };
    parseConfig(input);
    expect(input).toEqual({ Storage: { rootDirectory: '/r' } });
  });

  it('reports a key given twice in different cases', () => {
    expect(issuesOf({ storage: { rootDirectory: '/r', gc: true, GC: false } })).toEqual([
      'storage.gc: given twice, as "gc" and "GC" (keys match case-insensitively)',
    ]);
  });

  it('reads YAML by sniffing when no name or format is given', () => {
    expect(parseConfig('storage:\n  rootDirectory: /y\n').storage.rootDirectory).toBe('/y');
    expect(parseConfig('{"storage": {"rootDirectory": "/j"}}').storage.rootDirectory).toBe('/j');
  });

  it('reports syntax errors with the source name', () => {
    expect(() => parseConfig('{"storage": ', { sourceName: 'zot.json' })).toThrow(
      /zot\.json[\s\S]*not valid JSON/,
    );
    try {
      parseConfig('a: [1', { format: 'yaml' });
    } catch (error) {
      expect((error as ConfigError).code).toBe('CONFIG_SYNTAX');
    }
  });

  it('refuses an empty configuration, as zot does', () => {
    expect(issuesOf({})).toEqual(['(root): the configuration holds no settings']);
    expect(issuesOf('')).toEqual(['(root): the configuration holds no settings']);
  });

  it('requires storage.rootDirectory', () => {
    expect(issuesOf({ http: { port: 1 } })).toEqual(['storage: is required']);
    expect(issuesOf({ storage: {} })).toEqual([
      'storage.rootDirectory: is required (unless a storageDriver gives the remote root)',
    ]);
  });

  it('lists every issue in the error message, one per line', () => {
    try {
      parseConfig(
        { storage: { rootDirectory: '/r', gc: 'yes' }, log: { level: 'loud' } },
        { sourceName: 'c.yaml' },
      );
    } catch (error) {
      expect((error as Error).message).toBe(
        [
          'invalid configuration in c.yaml:',
          'storage.gc: expected true or false, got "yes"',
          'log.level: "loud" is not one of trace, debug, info, warn, error, fatal, panic, disabled',
        ].join('\n'),
      );
    }
    expect.assertions(1);
  });

  it('accepts a bearer block with only oidc issuers, but not a partial token service', () => {
    const oidcOnly = { oidc: [{ issuer: 'https://i', audiences: ['zot'] }] };
    expect(
      parseConfig({ storage: { rootDirectory: '/r' }, http: { auth: { bearer: oidcOnly } } }).http.auth
        ?.bearer,
    ).toEqual(oidcOnly);
    expect(
      issuesOf({
        storage: { rootDirectory: '/r' },
        http: { auth: { bearer: { realm: 'r', service: 's' } } },
      }),
    ).toEqual([
      'http.auth.bearer.cert: is required for a token service (realm, service and cert go together) unless only oidc issuers are given',
    ]);
  });

  it('requires a remote dedupe cache for S3 with dedupe, unless remoteCache is off', () => {
    const s3 = { name: 's3', bucket: 'b' };
    expect(issuesOf({ storage: { rootDirectory: '/r', storageDriver: s3 } })).toEqual([
      'storage.cacheDriver: is required: dedupe on remote storage keeps its cache remotely (or set remoteCache to false)',
    ]);
    expect(
      parseConfig({ storage: { rootDirectory: '/r', storageDriver: s3, remoteCache: false } }).storage
        .remoteCache,
    ).toBe(false);
  });

  it('checks the s3 block as zot verify does: a bucket, and a regionendpoint that is an http(s) URL', () => {
    const storage = (storageDriver: object) => ({
      storage: { rootDirectory: '/r', dedupe: false, storageDriver },
    });
    expect(issuesOf(storage({ name: 's3', regionendpoint: 'http://ceph:7480' }))).toEqual([
      'storage.storageDriver.bucket: is required by the s3 storage driver',
    ]);
    expect(issuesOf(storage({ name: 's3', bucket: 'b', regionendpoint: 'ftp://x' }))).toEqual([
      'storage.storageDriver.regionendpoint: "ftp://x" is not an http(s) URL',
    ]);
    expect(issuesOf(storage({ name: 's3', bucket: 'b', regionendpoint: 'http://[::1' }))).toHaveLength(1);
    // distribution adds the scheme to a bare host
    expect(() =>
      parseConfig(storage({ name: 's3', bucket: 'b', regionendpoint: 's3.example.com:9000' })),
    ).not.toThrow();
  });

  it('keeps retention.delay at gcDelay unless written, and zero with gc off', () => {
    const retention = { policies: [] };
    expect(
      parseConfig({ storage: { rootDirectory: '/r', gcDelay: '3h', retention } }).storage.retention?.delay,
    ).toBe('3h');
    expect(parseConfig({ storage: { rootDirectory: '/r', gc: false, retention } }).storage).toMatchObject({
      gcDelay: '0s',
      gcInterval: '0s',
      retention: { delay: '0s' },
    });
  });
});

// storage.cacheDriver and http.auth.sessionDriver with name "redis": zot verify checks the url's shape.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/index.js';

const issuesOf = (config: object): ReadonlyArray<{ path: string; message: string }> => {
  try {
    parseConfig(config);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
};
const withCache = (cacheDriver: object) =>
  issuesOf({ storage: { rootDirectory: '/var/lib/zot', remoteCache: true, cacheDriver } });

describe('redis driver blocks', () => {
  it('accepts zot examples: a redis url with a key prefix, one addr', () => {
    expect(withCache({ name: 'redis', url: 'redis://localhost:6379', keyprefix: 'zot' })).toEqual([]);
    expect(withCache({ name: 'redis', url: 'rediss://u:p@redis.example:6380/2' })).toEqual([]);
    expect(withCache({ name: 'redis', addr: ['localhost:6379'] })).toEqual([]);
  });

  it('names the url path of a cacheDriver url that is not a redis url', () => {
    expect(withCache({ name: 'redis', url: 'http://localhost:6379' })).toEqual([
      { path: 'storage.cacheDriver.url', message: expect.stringContaining('expected redis: or rediss:') },
    ]);
    expect(withCache({ name: 'redis', url: 'localhost' })[0]?.path).toBe('storage.cacheDriver.url');
    expect(withCache({ name: 'redis', url: 'redis://localhost/zot' })[0]?.message).toContain(
      'database number',
    );
    expect(withCache({ name: 'redis' })[0]?.message).toContain('is required');
  });

  it('checks the sessionDriver url the same way', () => {
    const issues = issuesOf({
      storage: { rootDirectory: '/var/lib/zot' },
      http: {
        auth: { htpasswd: { path: '/etc/htpasswd' }, sessionDriver: { name: 'redis', url: 'redis//nohost' } },
      },
    });
    expect(issues.map((issue) => issue.path)).toEqual(['http.auth.sessionDriver.url']);
  });
});

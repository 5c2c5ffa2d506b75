// Realistic zot configs load; broken ones fail with the exact path of every problem.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

async function issuesOf(name: string): Promise<string[]> {
  const error = await loadConfig(fixture(name)).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('loadConfig > realistic zot configs', () => {
  it.each([
    'minimal.json',
    'minimal.yaml',
    'policy-cel.json',
    'openid.json',
    's3.json',
    'retention.yaml',
    'sync.json',
    'metrics.yaml',
    'tls.json',
    'case-insensitive.yaml',
    'anonymous-only.json',
  ])('accepts %s', async (name) => {
    await expect(loadConfig(fixture(name))).resolves.toBeDefined();
  });

  it('reads the same settings from the JSON and the YAML minimal config', async () => {
    expect(await loadConfig(fixture('minimal.yaml'))).toEqual(await loadConfig(fixture('minimal.json')));
  });

  it('keeps CEL conditions on policies and adminPolicy', async () => {
    const config = await loadConfig(fixture('policy-cel.json'));
    const prod = config.http.accessControl?.repositories['prod/**'];
    expect(prod?.policies[0]?.conditions.map((condition) => condition.expression)).toHaveLength(2);
    expect(prod?.policies[1]?.conditions).toEqual([]);
    expect(config.http.accessControl?.adminPolicy?.conditions[0]?.message).toBe('admins need MFA');
    expect(config.http.accessControl?.groups['Release-Team']?.users).toEqual(['alice', 'bob']);
  });

  it('applies zot defaults to retention and S3 storage', async () => {
    const retention = await loadConfig(fixture('retention.yaml'));
    expect(retention.storage.retention?.policies[0]?.deleteUntagged).toBe(true);
    expect(retention.storage.retention?.policies[2]?.keepTags[0]?.patterns).toEqual(['.*']);
    expect(retention.storage.subPaths?.['/a']).toMatchObject({
      gc: false,
      gcDelay: '0s',
      dedupe: false,
      commit: false,
    });
    const s3 = await loadConfig(fixture('s3.json'));
    expect(s3.storage.remoteCache).toBe(true);
    expect(s3.storage.storageDriver?.forcepathstyle).toBe(true);
  });

  it('turns API keys on with OpenID and keeps provider names as written', async () => {
    const config = await loadConfig(fixture('openid.json'));
    expect(config.http.auth?.apikey).toBe(true);
    expect(Object.keys(config.http.auth?.openid?.providers ?? {})).toEqual(['oidc', 'github']);
    expect(config.http.auth?.bearer?.oidc?.[0]?.claimMapping?.variables?.[0]?.name).toBe('org');
  });

  it('fills extension defaults as zot does', async () => {
    const config = await loadConfig(fixture('metrics.yaml'));
    expect(config.extensions?.scrub).toEqual({ enable: true, interval: '24h' });
    expect(config.extensions?.metrics?.prometheus.path).toBe('/metrics');
    const sync = await loadConfig(fixture('sync.json'));
    expect(sync.extensions?.sync?.registries[1]?.tlsVerify).toBe(true);
  });
});

describe('loadConfig > broken configs', () => {
  it('reports every policy problem at its path', async () => {
    expect(await issuesOf('broken-policy.json')).toEqual([
      'http.accessControl.repositories["prod/**"].policies[0].actions[2]: "wrtie" is not one of read, create, update, delete, detectManifestCollision, pull, push',
      'http.accessControl.repositories["prod/**"].policies[0].conditions[0].expression: must not be empty',
      'http.accessControl.repositories["prod/**"].defaultPolicy[0]: defaultPolicy is a plain list of actions; conditions are allowed only in policies[] entries and adminPolicy',
      'http.accessControl.adminPolicy.condition: unknown key (known keys here: users, groups, actions, conditions)',
      'http.accessControl.repositories["dev/[a-z"]: not a valid glob: has a "[" without its closing "]"',
    ]);
  });

  it('reports unknown keys, bad durations, ranges, enums, regexes and globs', async () => {
    const paths = (await issuesOf('broken-keys.yaml')).map((line) => line.slice(0, line.indexOf(': ')));
    expect(paths).toEqual([
      'storage.dedup',
      'storage.gcDelay',
      'storage.retention.policies[0].keepTags[0].pulledWithin',
      'http.adress',
      'http.port',
      'http.tls.key',
      'log.level',
      'extensions.sync.registries[0].urls',
      'storage.retention.policies[0].keepTags[0].patterns[0]',
      'extensions.sync.registries[0].content[0].prefix',
      'extensions.sync.registries[0].content[0].tags.regex',
    ]);
  });

  it('checks every sync rule as zot verify does: retries, URLs, stripPrefix to /, regexes and globs', async () => {
    const paths = (await issuesOf('broken-sync.json')).map((line) => line.slice(0, line.indexOf(': ')));
    expect(paths).toEqual([
      'extensions.sync.registries[0].retryDelay',
      'extensions.sync.registries[0].urls[1]',
      'extensions.sync.registries[0].content[0].stripPrefix',
      'extensions.sync.registries[0].content[1].tags.excludeRegex',
      'extensions.sync.registries[0].content[2].prefix',
    ]);
  });

  it('reports incomplete authentication methods', async () => {
    const paths = (await issuesOf('broken-auth.json')).map((line) => line.slice(0, line.indexOf(': ')));
    expect(paths).toEqual([
      'http.auth.ldap.userAttribute',
      'cluster.hashKey',
      'http.auth.openid.providers["google"].clientid',
      'http.auth.openid.providers["google"].issuer',
      'http.auth.bearer.service',
      'http.auth.bearer.cert',
      'http.auth.mtls',
      'http.auth.mtls.identityAttributes[0]',
    ]);
  });

  it('rejects access control without authentication, nested roots, and ui without search', async () => {
    expect(await issuesOf('broken-no-auth.json')).toEqual([
      'http.accessControl: needs an authentication method in http.auth (htpasswd, ldap, bearer, openid, apikey or mtls) unless it only has anonymousPolicy entries',
      'storage.subPaths["/a"].rootDirectory: is inside the root of the default storage',
      'extensions.ui: needs the search extension enabled',
    ]);
  });

  it('reports a missing file as unreadable', async () => {
    await expect(loadConfig(fixture('nope.json'))).rejects.toMatchObject({ code: 'CONFIG_UNREADABLE' });
  });
});

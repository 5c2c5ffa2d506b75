// Every file of zot v2.1.17's examples/ (our fixtures keep each file's keys and structure, with our own
// paths, hosts and secrets): server configs load with zot's meaning; companion files (credentials, session
// keys, the exporter's and zli's configs) are named for what they are instead of a list of unknown keys.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/index.js';

const directory = fileURLToPath(new URL('./fixtures/zot-examples/', import.meta.url));
const fixture = (name: string) => `${directory}${name}`;

/** What each companion file is taken for. */
const companionFiles: Record<string, string> = {
  'config-ldap-credentials.json': 'an LDAP credentials file',
  'config-openid-github-credentials.json': 'an OpenID provider credentials file',
  'config-openid-gitlab-credentials.json': 'an OpenID provider credentials file',
  'config-openid-google-credentials.json': 'an OpenID provider credentials file',
  'config-openid-oidc-credentials.json': 'an OpenID provider credentials file',
  'sessionKeys.json': 'a session keys file',
  'sync-auth-filepath.json': 'a sync credentials file',
  'exporter-config-extended.json': "a config of zot's metrics exporter (zxp)",
  'exporter-config-https-private-ca.json': "a config of zot's metrics exporter (zxp)",
  'exporter-config-minimal.json': "a config of zot's metrics exporter (zxp)",
  'zli-old-config.json': 'a zli config file',
};

const all = readdirSync(directory).sort();
const serverConfigs = all.filter((name) => !(name in companionFiles));

async function refusal(name: string): Promise<ConfigError> {
  const error = await loadConfig(fixture(name)).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe("loadConfig > zot's examples", () => {
  it('has every file of the example set', () => {
    expect(all).toHaveLength(66);
    expect(serverConfigs).toHaveLength(55);
  });

  it.each(serverConfigs)('loads the server config %s', async (name) => {
    await expect(loadConfig(fixture(name))).resolves.toBeDefined();
  });

  it.each(Object.entries(companionFiles))('names %s as %s, not a server config', async (name, kind) => {
    const error = await refusal(name);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.message).toContain(`this looks like ${kind}, not a server config`);
    expect(error.message).not.toContain('unknown key');
  });
});

describe("loadConfig > zot's meaning of the three files it used to refuse", () => {
  it('config-all-remote.json: remote storage needs no rootDirectory; the driver names the remote root', async () => {
    const config = await loadConfig(fixture('config-all-remote.json'));
    expect(config.storage.rootDirectory).toBe('');
    expect(config.storage.storageDriver).toMatchObject({ name: 's3', rootdirectory: '/zot' });
    expect(config.storage.cacheDriver?.name).toBe('dynamodb');
    expect(config.storage.remoteCache).toBe(true);
  });

  it('local storage still needs its rootDirectory', async () => {
    const { parseConfig } = await import('../src/index.js');
    expect(() => parseConfig({ storage: { dedupe: true } })).toThrow(/storage\.rootDirectory: is required/);
  });

  it('config-bearer-oidc-workload.json: realm and service with oidc issuers and no cert mean no token service', async () => {
    const config = await loadConfig(fixture('config-bearer-oidc-workload.json'));
    expect(config.http.auth?.bearer).toMatchObject({ realm: 'zot', service: 'zot-service' });
    expect(config.http.auth?.bearer?.cert).toBeUndefined();
    expect(config.http.auth?.bearer?.oidc?.[0]?.audiences).toHaveLength(2);
  });

  it('a cert with oidc issuers still asks for the whole token service', async () => {
    const { parseConfig } = await import('../src/index.js');
    expect(() =>
      parseConfig({
        storage: { rootDirectory: '/r' },
        http: { auth: { bearer: { cert: '/c', oidc: [{ issuer: 'https://i', audiences: ['a'] }] } } },
      }),
    ).toThrow(/http\.auth\.bearer\.realm: is required for a token service/);
  });

  it("config-cve-trivy.json: trivy's vulnSeveritySources is zot's key", async () => {
    const config = await loadConfig(fixture('config-cve-trivy.json'));
    expect(config.extensions?.search?.cve?.trivy?.vulnSeveritySources).toEqual(['auto']);
  });
});

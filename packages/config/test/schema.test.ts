// The schema `zot schema` prints compiles with ajv itself, and the TypeScript types match it.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { ZotConfig } from '../src/index.js';
import { configSchema, parseConfig } from '../src/index.js';

// Every section filled in; typed as ZotConfig, so a key the types lack fails the type check, and
// parsed, so a key the schema lacks fails the test.
const everything: ZotConfig = {
  distSpecVersion: '1.1.1',
  storage: {
    rootDirectory: '/r',
    dedupe: true,
    remoteCache: true,
    gc: true,
    commit: true,
    gcDelay: '1h',
    gcInterval: '2h',
    maxRepos: 100,
    retention: {
      dryRun: true,
      delay: '24h',
      policies: [
        {
          repositories: ['**'],
          deleteReferrers: true,
          deleteUntagged: false,
          keepTags: [
            {
              patterns: ['v.*'],
              pulledWithin: '1h',
              pushedWithin: '1h',
              mostRecentlyPushedCount: 1,
              mostRecentlyPulledCount: 1,
            },
          ],
        },
      ],
    },
    storageDriver: { name: 's3', bucket: 'b' },
    cacheDriver: { name: 'dynamodb', region: 'x' },
    subPaths: {
      '/a': {
        rootDirectory: '/other',
        dedupe: false,
        remoteCache: false,
        gc: false,
        commit: false,
        gcDelay: '0s',
        gcInterval: '0s',
      },
    },
  },
  http: {
    address: '0.0.0.0',
    port: 8443,
    externalUrl: 'https://r',
    realm: 'zot',
    allowOrigin: '*',
    readTimeout: '1m',
    writeTimeout: '1m',
    tls: { cert: 'c', key: 'k', cacert: 'ca' },
    ratelimit: { rate: 10, methods: [{ method: 'GET', rate: 5 }] },
    compat: ['docker2s2'],
    auth: {
      failDelay: 1,
      htpasswd: { path: 'h' },
      ldap: {
        address: 'l',
        port: 389,
        insecure: true,
        startTLS: false,
        skipVerify: false,
        subtreeSearch: true,
        baseDN: 'dc=x',
        userAttribute: 'uid',
        userGroupAttribute: 'memberOf',
        userFilter: '(x)',
        credentialsFile: 'f',
        bindDN: 'cn=b',
        bindPassword: 'p',
        caCert: 'ca',
      },
      bearer: {
        realm: 'r',
        service: 's',
        cert: 'c',
        oidc: [
          {
            issuer: 'https://i',
            audiences: ['a'],
            claimMapping: {
              variables: [{ name: 'v', expression: 'e' }],
              validations: [{ expression: 'e', message: 'm' }],
              username: 'u',
              groups: 'g',
            },
          },
        ],
      },
      openid: {
        providers: {
          oidc: {
            name: 'n',
            clientid: 'c',
            clientsecret: 's',
            credentialsFile: 'f',
            keypath: 'k',
            issuer: 'https://i',
            scopes: ['openid'],
            claimMapping: { username: 'u', groups: 'g' },
          },
        },
        callbackAllowOrigins: ['https://o'],
      },
      apikey: true,
      mtls: {
        identityAttributes: ['URI'],
        uriSanPattern: '(.*)',
        uriSanIndex: 0,
        dnsSanIndex: 0,
        emailSanIndex: 0,
      },
      sessionKeysFile: 'k',
      sessionDriver: { name: 'local' },
      secureSession: true,
    },
    accessControl: {
      groups: { g: { users: ['u'] } },
      repositories: {
        '**': {
          policies: [
            {
              users: ['u'],
              groups: ['g'],
              actions: ['read'],
              conditions: [{ expression: 'true', message: 'm' }],
            },
          ],
          defaultPolicy: ['read'],
          anonymousPolicy: ['read'],
        },
      },
      adminPolicy: { users: ['a'], groups: [], actions: ['delete'], conditions: [] },
      metrics: { users: ['m'] },
    },
  },
  log: { level: 'debug', output: 'o', audit: 'a' },
  extensions: {
    sync: {
      enable: true,
      credentialsFile: 'f',
      downloadDir: '/d',
      enableStreaming: false,
      registries: [
        {
          urls: ['https://u'],
          pollInterval: '1h',
          content: [
            {
              prefix: '**',
              tags: { regex: '.*', excludeRegex: 'x', semver: true },
              destination: '/d',
              stripPrefix: true,
            },
          ],
          tlsVerify: true,
          onDemand: true,
          certDir: 'c',
          maxRetries: 1,
          retryDelay: '1s',
          maxRetryDelay: '1m',
          onlySigned: false,
          syncLegacyCosignTags: true,
          credentialHelper: 'ecr',
          oauth2CredentialHelper: { tokenURL: 'https://t' },
          preserveDigest: false,
          syncTimeout: '1m',
        },
      ],
    },
    search: { enable: true },
    ui: { enable: true },
    metrics: { enable: true, prometheus: { path: '/metrics' } },
    scrub: { enable: true, interval: '24h' },
    lint: { enable: true, mandatoryAnnotations: ['a'] },
    trust: { enable: true, cosign: true, notation: true },
    events: {
      enable: true,
      sinks: [
        {
          type: 'nats',
          address: 'nats://n',
          channel: 'c',
          timeout: '1s',
          proxy: 'p',
          headers: { a: 'b' },
          credentials: { username: 'u', password: 'p', file: 'f', token: 't' },
          tlsConfig: { caCertFile: 'c', certFile: 'c', keyFile: 'k' },
        },
      ],
      source: 's',
      typePrefix: 't',
    },
    mgmt: { enable: true },
    apikey: { enable: true },
  },
  scheduler: { numWorkers: 2 },
  cluster: { members: ['a:1', 'b:1'], hashKey: '0123456789abcdef', tls: { cacert: 'ca' } },
};

function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keyPaths(child, `${prefix}/${key}`));
}

describe('configSchema', () => {
  it('compiles with a fresh ajv in strict mode, as printed', () => {
    const printed = JSON.parse(JSON.stringify(configSchema, null, 2));
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    const validate = ajv.compile(printed);
    expect(validate({ storage: { rootDirectory: '/r' } })).toBe(true);
    expect(validate({ storage: { rootDirectory: '/r', typo: 1 } })).toBe(false);
  });

  it('accepts a config using every key the types declare, and changes none of them', () => {
    const parsed = parseConfig(structuredClone(everything));
    expect(keyPaths(parsed).sort()).toEqual(keyPaths(everything).sort());
    expect(parsed).toEqual(everything);
  });

  it('describes every property, for docs and editors', () => {
    const undocumented: string[] = [];
    const visit = (node: unknown, path: string) => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      for (const [key, child] of Object.entries(
        (record.properties ?? {}) as Record<string, Record<string, unknown>>,
      )) {
        if (typeof child.description !== 'string' && child.$ref === undefined)
          undocumented.push(`${path}.${key}`);
        visit(child, `${path}.${key}`);
      }
      for (const nested of [record.items, record.additionalProperties]) visit(nested, path);
      for (const [name, def] of Object.entries((record.$defs ?? {}) as object)) visit(def, `$defs.${name}`);
    };
    visit(configSchema, '');
    expect(undocumented).toEqual([]);
  });
});

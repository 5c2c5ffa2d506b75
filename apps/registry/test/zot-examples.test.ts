// Every server config of zot v2.1.17's examples/ (our fixtures, moved into a temp directory with real
// htpasswd, certificates and key files): `zot verify` accepts it, and the server starts with it on a free
// port, or refuses clearly where it needs something we do not build or a service this test does not run.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '@zot-ts/config';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runVerify } from '../src/commands/verify.js';
import { startRegistry } from '../src/index.js';
import { httpsCall } from './server-tls-certs.js';
import {
  createExampleWorkspace,
  EXAMPLES_DIRECTORY,
  type ExampleWorkspace,
  exampleServerConfigs,
} from './zot-examples-fixtures.js';

/**
 * Storage drivers we do not build yet: verify and serve refuse them naming the key (issue 20), never with a
 * schema error.
 */
const notBuilt: Record<string, string[]> = {
  'config-all-remote.json': ['storage.rootDirectory', 'storageDriver', 'cacheDriver'],
  'config-dynamodb.json': ['storageDriver', 'cacheDriver'],
  'config-gcs.json': ['storageDriver'],
  'config-redis-all-options.json': ['cacheDriver'],
  'config-redis-cluster.json': ['cacheDriver'],
  'config-s3.json': ['storageDriver', 'cacheDriver'],
  'config-sync-cloud-storage.json': ['storageDriver', 'cacheDriver'],
  'cluster-config-cluster-member0.json': ['storageDriver', 'cacheDriver'],
  'cluster-config-cluster-member1.json': ['storageDriver', 'cacheDriver'],
  'cluster-config-cluster-member2.json': ['storageDriver', 'cacheDriver'],
  'cluster-tls-config-cluster-member0.json': ['storageDriver', 'cacheDriver'],
  'cluster-tls-config-cluster-member1.json': ['storageDriver', 'cacheDriver'],
  'cluster-tls-config-cluster-member2.json': ['storageDriver', 'cacheDriver'],
};

/** Configs that cannot start whatever is built: zot's own server refuses them too. */
const refusedLikeZot: Record<string, RegExp> = {
  'config-all-remote.json': /storage\.rootDirectory is not set.*no storage config provided/,
  // an S3 store with the example's placeholder region ("REGION_NAME"): distribution's s3 driver refuses a
  // region that is no AWS region when no regionendpoint is given, and so zot's server stops; ours stops too
  'config-sync-ecr-credential-helper.json': /region/i,
  // no Redis listens on localhost:6379 here; zot's NewCookieStore fails on its ping the same way
  'config-remote-session-store-redis.json': /cannot reach redis at redis:\/\/localhost:6379/,
  // the same for the S3 + Redis example: zot's remote cache pings Redis at start
  'config-redis.json': /cannot reach redis at redis:\/\/localhost:6379/,
};

let workspace: ExampleWorkspace;
beforeAll(() => {
  workspace = createExampleWorkspace();
});
afterAll(() => rmSync(workspace.directory, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
});

async function verify(path: string): Promise<{ code: number; output: string }> {
  let output = '';
  const capture = (chunk: string | Uint8Array) => {
    output += chunk.toString();
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const code = await runVerify([path]);
  vi.restoreAllMocks();
  return { code, output };
}

function expectNamesNotBuiltKey(message: string, keys: string[]): void {
  expect(message).not.toMatch(/unknown key|expected true or false|is not one of/);
  expect(keys.some((key) => message.includes(key))).toBe(true);
}

describe("zot verify > zot's example server configs", () => {
  it.each(exampleServerConfigs())('accepts %s', async (name) => {
    const { code, output } = await verify(workspace.fileOf(name));
    const keys = notBuilt[name];
    if (keys !== undefined) {
      // a storage driver we do not provide is refused (issue 20), naming its key
      expect(code).toBe(1);
      expectNamesNotBuiltKey(output, keys);
    } else {
      expect(output).toContain('config is valid');
      expect(code).toBe(0);
    }
  });
});

describe("zot serve > zot's example server configs", () => {
  it.each(exampleServerConfigs())('starts with %s or says which part is not built', async (name) => {
    const config = parseConfig(workspace.configOf(name));
    const started = await startRegistry({ config, port: 0, address: '127.0.0.1' }).then(
      (running) => ({ running }),
      (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
    );
    if ('error' in started) {
      const expected = refusedLikeZot[name];
      if (expected?.test(started.error)) return;
      const keys = notBuilt[name];
      expect(keys, `${name} did not start: ${started.error}`).toBeDefined();
      expectNamesNotBuiltKey(started.error, keys ?? []);
      return;
    }
    try {
      expect(refusedLikeZot[name], `${name} started though zot refuses it`).toBeUndefined();
      expect(notBuilt[name], `${name} started though it asks for storage we do not provide`).toBeUndefined();
      if (started.running.url.startsWith('http:')) {
        const answer = await fetch(`${started.running.url}/v2/`, { signal: AbortSignal.timeout(5000) });
        expect([200, 401]).toContain(answer.status);
      } else {
        // https with our self-signed certificate; an mTLS example may refuse a client without a certificate
        const status = await httpsCall(started.running.port, 'GET', '/v2/').then(
          (answer) => answer.status,
          () => 'handshake refused',
        );
        const allowed: unknown[] =
          config.http.tls?.cacert === undefined ? [200, 401] : [200, 401, 'handshake refused'];
        expect(allowed).toContain(status);
      }
    } finally {
      await started.running.close();
    }
  });
});

describe('zot verify > files that are not server configs', () => {
  it.each([
    ['sessionKeys.json', 'a session keys file'],
    ['config-ldap-credentials.json', 'an LDAP credentials file'],
    ['config-openid-oidc-credentials.json', 'an OpenID provider credentials file'],
    ['sync-auth-filepath.json', 'a sync credentials file'],
    ['exporter-config-minimal.json', "a config of zot's metrics exporter (zxp)"],
    ['zli-old-config.json', 'a zli config file'],
  ])('says %s looks like %s', async (name, kind) => {
    const { code, output } = await verify(`${EXAMPLES_DIRECTORY}${name}`);
    expect(code).toBe(1);
    expect(output).toContain(`this looks like ${kind}, not a server config`);
    expect(output).not.toContain('unknown key');
  });
});

describe('zot verify > booleans written as strings', () => {
  it('accepts them as zot does and warns at each one', async () => {
    const path = join(workspace.directory, 'string-booleans.json');
    writeFileSync(
      path,
      JSON.stringify({
        storage: { rootDirectory: join(workspace.directory, 'sb'), dedupe: 'false' },
        extensions: { search: { enable: 'true' } },
      }),
    );
    const { code, output } = await verify(path);
    expect(code).toBe(0);
    expect(output).toContain('warning: storage.dedupe: "false" is a string; read as false');
    expect(output).toContain('warning: extensions.search.enable: "true" is a string; read as true');
    expect(output).toContain('config is valid');
  });
});

describe('zot serve > booleans written as strings', () => {
  it('turns a feature on with "true" and off with "false", as zot does', async () => {
    const on = await startRegistry({
      config: parseConfig({
        storage: { rootDirectory: join(workspace.directory, 'sb-on') },
        extensions: { metrics: { enable: 'true' } },
      }),
      port: 0,
    });
    const off = await startRegistry({
      config: parseConfig({
        storage: { rootDirectory: join(workspace.directory, 'sb-off') },
        extensions: { metrics: { enable: 'false' } },
      }),
      port: 0,
    });
    try {
      expect((await fetch(`${on.url}/metrics`)).status).toBe(200);
      expect((await fetch(`${off.url}/metrics`)).status).toBe(404);
    } finally {
      await Promise.all([on.close(), off.close()]);
    }
  });
});

describe('zot verify > event sinks (zot blackbox events_config_decoding)', () => {
  const configWith = (sinks: unknown[]) => {
    const path = join(workspace.directory, 'events.json');
    writeFileSync(
      path,
      JSON.stringify({
        storage: { rootDirectory: join(workspace.directory, 'events') },
        extensions: { events: { enable: true, sinks } },
      }),
    );
    return path;
  };
  const httpSink = {
    type: 'http',
    address: 'http://127.0.0.1:9/events',
    timeout: '15s',
    credentials: { username: 'jane.joe', password: 'opensesame' },
  };

  it('accepts a sink with nested credentials', async () => {
    expect((await verify(configWith([httpSink]))).code).toBe(0);
  });

  it('refuses an unknown sink type with "event sink is not supported"', async () => {
    const { code, output } = await verify(configWith([httpSink, { ...httpSink, type: 'generic' }]));
    expect(code).toBe(1);
    expect(output).toContain('extensions.events.sinks[1].type: "generic": event sink is not supported');
  });
});

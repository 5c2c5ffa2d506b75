// zot's examples/ as runnable configs: our fixtures (packages/config/test/fixtures/zot-examples) point at
// /etc/zot-example/* and /var/lib/zot-example*; here every such path is moved into a temporary directory
// that holds real files of the right kind (htpasswd, TLS certificates, session keys, credentials files).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { htpasswdLines } from './auth-fixtures.js';
import { makeSelfSigned } from './server-tls-certs.js';

export const EXAMPLES_DIRECTORY = fileURLToPath(
  new URL('../../../packages/config/test/fixtures/zot-examples/', import.meta.url),
);

/** The server configs among the examples (the rest are credentials, session keys, exporter and zli files). */
export function exampleServerConfigs(): string[] {
  return readdirSync(EXAMPLES_DIRECTORY)
    .filter((name) => /^(config|cluster)-/.test(name) && !name.includes('credentials'))
    .sort();
}

/** The companion files each example names, made real once per test run. */
function writeCompanionFiles(etc: string): void {
  writeFileSync(join(etc, 'htpasswd'), `${htpasswdLines({ test: 'test123', admin: 'admin123' })}\n`);
  makeSelfSigned(etc, 'server');
  writeFileSync(join(etc, 'server.cert'), readFileSync(join(etc, 'server.crt')));
  makeSelfSigned(etc, 'ca');
  makeSelfSigned(etc, 'auth'); // the bearer token service's signing certificate (auth.crt)
  writeFileSync(
    join(etc, 'sessionKeys.json'),
    JSON.stringify({ hashKey: 'a'.repeat(64), encryptKey: 'b'.repeat(32) }),
  );
  writeFileSync(
    join(etc, 'config-ldap-credentials.json'),
    JSON.stringify({ bindDN: 'cn=reader,dc=example,dc=org', bindPassword: 'reader-password' }),
  );
  for (const provider of ['github', 'gitlab', 'google', 'oidc']) {
    writeFileSync(
      join(etc, `config-openid-${provider}-credentials.json`),
      JSON.stringify({ clientid: `zot-${provider}`, clientsecret: `${provider}-secret` }),
    );
  }
  writeFileSync(join(etc, 'sync-credentials.json'), '{}');
}

export interface ExampleWorkspace {
  directory: string;
  /** The example as a config object whose paths all lie inside `directory`. */
  configOf(name: string): Record<string, unknown>;
  /** The same, written to a file (for `zot verify`). */
  fileOf(name: string): string;
}

function relocate(value: unknown, directory: string, etc: string, storageRoots: { count: number }): unknown {
  if (Array.isArray(value)) return value.map((item) => relocate(item, directory, etc, storageRoots));
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      // storage roots: one fresh directory each, so default and subPaths never collide
      if (
        key.toLowerCase() === 'rootdirectory' &&
        typeof child === 'string' &&
        child.startsWith('/var/lib/')
      ) {
        storageRoots.count += 1;
        result[key] = join(directory, `root-${storageRoots.count}`);
      } else result[key] = relocate(child, directory, etc, storageRoots);
    }
    return result;
  }
  if (typeof value !== 'string') return value;
  if (value.startsWith('/etc/zot-example/') || value.startsWith('/etc/zot/')) {
    const name = basename(value);
    return join(
      etc,
      name.includes('credentials') && !name.startsWith('config-') ? 'sync-credentials.json' : name,
    );
  }
  if (value.startsWith('/var/lib/zot-example')) {
    return value.includes('passwd') ? join(etc, 'htpasswd') : join(directory, 'var', basename(value));
  }
  return value;
}

export function createExampleWorkspace(): ExampleWorkspace {
  const directory = mkdtempSync(join(tmpdir(), 'zot-examples-'));
  const etc = join(directory, 'etc');
  for (const sub of ['etc', 'var']) mkdirSync(join(directory, sub));
  writeCompanionFiles(etc);
  const configOf = (name: string): Record<string, unknown> => {
    const text = readFileSync(join(EXAMPLES_DIRECTORY, name), 'utf8');
    const raw = name.endsWith('.yaml') ? parseYaml(text) : JSON.parse(text);
    return relocate(raw, directory, etc, { count: 0 }) as Record<string, unknown>;
  };
  return {
    directory,
    configOf,
    fileOf(name) {
      const path = join(directory, `${name}.json`);
      writeFileSync(path, JSON.stringify(configOf(name)));
      return path;
    },
  };
}

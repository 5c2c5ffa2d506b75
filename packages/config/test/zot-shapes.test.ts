// Shapes zot's own blackbox tests write: booleans as strings, and event sinks with nested credentials/TLS.
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue, parseConfig } from '../src/index.js';

const base = { storage: { rootDirectory: '/srv/zot' } };

function issuesOf(input: unknown): string[] {
  try {
    parseConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('parseConfig > booleans written as strings (viper decodes weakly)', () => {
  it('reads "true" and "false" as booleans everywhere a boolean is expected, with a warning each', () => {
    const warnings: ConfigIssue[] = [];
    const config = parseConfig(
      {
        storage: { rootDirectory: '/srv/zot', dedupe: 'false', gc: 'True' },
        extensions: { search: { enable: 'true' }, lint: { enable: 'FALSE' }, trust: { cosign: '1' } },
      },
      { onWarning: (warning) => warnings.push(warning) },
    );
    expect(config.storage.dedupe).toBe(false);
    expect(config.storage.gc).toBe(true);
    expect(config.extensions?.search?.enable).toBe(true);
    expect(config.extensions?.lint?.enable).toBe(false);
    expect(config.extensions?.trust?.cosign).toBe(true);
    expect(warnings.map((warning) => warning.path)).toEqual([
      'storage.dedupe',
      'storage.gc',
      'extensions.search.enable',
      'extensions.lint.enable',
      'extensions.trust.cosign',
    ]);
    expect(warnings[0]?.message).toBe(
      '"false" is a string; read as false (as zot reads it), write false without quotes',
    );
  });

  it('still refuses a string that is no Go boolean, and leaves driver parameters as written', () => {
    expect(issuesOf({ ...base, extensions: { search: { enable: 'yes' } } })).toEqual([
      'extensions.search.enable: expected true or false, got "yes"',
    ]);
    const config = parseConfig({
      storage: {
        rootDirectory: '/srv/zot',
        dedupe: false,
        storageDriver: { name: 's3', bucket: 'b', secure: 'false' },
      },
    });
    expect(config.storage.storageDriver?.secure).toBe('false');
  });
});

describe('parseConfig > event sinks in zot shape', () => {
  it('nests credentials and TLS settings inside a sink', () => {
    const config = parseConfig({
      ...base,
      extensions: {
        events: {
          enable: true,
          sinks: [
            {
              type: 'http',
              address: 'http://127.0.0.1:9000/events',
              timeout: '15s',
              credentials: { username: 'jane.joe', password: 'opensesame' },
            },
            {
              type: 'nats',
              address: 'nats://127.0.0.1:4222',
              channel: 'alerts',
              Credentials: { token: 't', file: '/etc/nats.creds' },
              TLSConfig: { CACertFile: '/ca.pem', certFile: '/c.pem', keyfile: '/k.pem' },
            },
          ],
        },
      },
    });
    const [http, nats] = config.extensions?.events?.sinks ?? [];
    expect(http?.credentials).toEqual({ username: 'jane.joe', password: 'opensesame' });
    expect(nats?.credentials).toEqual({ token: 't', file: '/etc/nats.creds' });
    expect(nats?.tlsConfig).toEqual({ caCertFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem' });
  });

  it("refuses an unknown sink type with zot's words", () => {
    expect(
      issuesOf({
        ...base,
        extensions: { events: { enable: true, sinks: [{ type: 'generic', address: 'http://x/events' }] } },
      }),
    ).toEqual([
      'extensions.events.sinks[0].type: "generic": event sink is not supported (supported: http, nats)',
    ]);
  });

  it('no longer takes credentials flat on the sink', () => {
    expect(
      issuesOf({
        ...base,
        extensions: { events: { sinks: [{ type: 'http', address: 'http://x', username: 'u' }] } },
      })[0],
    ).toMatch(/^extensions\.events\.sinks\[0\]\.username: unknown key/);
  });
});

// Issue 20 item 4: an OpenID issuer whose discovery fails is warned about at start with the cause, retried in
// the background, and the login error carries the same cause.
import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { checkOidcDiscovery } from '../src/features/oidc-discovery-check.js';
import { createLogger, streamSink } from '../src/log-sink.js';
import { startTestRegistry } from './helpers.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

function captured() {
  const stream = new PassThrough();
  const lines: Array<Record<string, unknown>> = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line));
  });
  return { stream, lines };
}

describe('OpenID discovery failures', () => {
  it('are warned at start with the cause, and the login error says the same', async () => {
    const issuer = `http://127.0.0.1:${await closedPort()}/`;
    const log = captured();
    const registry = await startTestRegistry(
      {
        http: {
          auth: {
            openid: {
              providers: { oidc: { issuer, clientid: 'zot', clientsecret: 'secret', scopes: ['openid'] } },
            },
          },
        },
        log: { level: 'warn' },
      },
      { stdout: log.stream },
    );
    try {
      let warning: Record<string, unknown> | undefined;
      for (let tries = 0; warning === undefined && tries < 50; tries++) {
        await new Promise((done) => setTimeout(done, 100));
        warning = log.lines.find((line) =>
          String(line.message).startsWith('http.auth.openid.providers.oidc'),
        );
      }
      expect(warning?.message).toContain(`discovery failed for ${issuer}: connection refused`);
      expect(warning?.message).toContain('retrying in the background');

      const login = await fetch(`${registry.url}/zot/auth/login?provider=oidc`, { redirect: 'manual' });
      const body = (await login.json()) as { errors: Array<{ code: string; message: string }> };
      expect(body.errors[0]?.code).toBe('PROVIDER_UNAVAILABLE');
      expect(body.errors[0]?.message).toContain('connection refused');
    } finally {
      await registry.dispose();
    }
  });

  it('are retried with a growing delay until the provider answers, which is logged once', async () => {
    const log = captured();
    const logger = createLogger(streamSink(log.stream, false), 'info');
    let calls = 0;
    const stop = checkOidcDiscovery(
      {
        async checkDiscovery() {
          calls += 1;
          const issuer = 'https://id.example.com/';
          return calls < 3
            ? [{ provider: 'oidc', issuer, error: 'DNS lookup failed (ENOTFOUND)' }]
            : [{ provider: 'oidc', issuer }];
        },
      },
      logger,
      { firstDelayMs: 20, maxDelayMs: 40 },
    );
    for (let tries = 0; calls < 3 && tries < 50; tries++) await new Promise((done) => setTimeout(done, 20));
    await new Promise((done) => setTimeout(done, 100));
    stop();
    expect(calls).toBe(3);
    const messages = log.lines.map((line) => String(line.message));
    expect(messages.filter((m) => m.includes('ENOTFOUND'))).toHaveLength(2);
    expect(messages.filter((m) => m.includes('discovery succeeded'))).toHaveLength(1);
  });
});

// Who may scrape: with access control on, only accessControl.metrics.users (zot's MetricsAuthzHandler):
// anonymous or wrong credentials -> 401 with a challenge, a known user not on the list -> 403, both with the
// distribution-spec error body; without auth and access control, anyone.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRegistryMetrics } from '@zot-ts/gc-metrics';
import type { Identity, OciApiEnv } from '@zot-ts/oci-api';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthFeature } from '../src/features/auth.js';
import { mountMetricsRoute } from '../src/features/metrics-route.js';
import { basic, htpasswdLines } from './auth-fixtures.js';
import { errorCode, type TestRegistry } from './helpers.js';
import { sample, scrape, startMetricsRegistry } from './metrics-helpers.js';

const silent = { log() {}, info() {}, warn() {}, error() {}, enabled: () => false };

/** An auth feature that knows users by their bearer string, and lets only `allowed` read metrics. */
function fakeAuth(allowed: string[], options: { failIdentify?: boolean } = {}): AuthFeature {
  const identity = (username: string): Identity => ({ username, groups: [], method: 'basic' });
  return {
    enabled: true,
    async identify(request) {
      if (options.failIdentify) throw new Error('ldap: connection refused');
      const user = request.headers.get('authorization')?.replace(/^User /, '');
      return user === undefined ? undefined : identity(user);
    },
    async authenticate() {
      return { kind: 'anonymous' };
    },
    isAdmin: () => false,
    canRead: () => false,
    authorize: () => ({ allowed: false }),
    canReadMetrics: (who) => who !== undefined && allowed.includes(who.username),
    challenge: () => ['Basic realm="unit"'],
  };
}

function appWith(auth: AuthFeature | undefined): Hono<OciApiEnv> {
  const app = new Hono<OciApiEnv>();
  const metrics = createRegistryMetrics({ version: 'test' });
  mountMetricsRoute(app, {
    path: '/metrics',
    metrics,
    ...(auth === undefined ? {} : { auth }),
    realm: 'zot',
    tls: false,
    logger: silent,
  });
  return app;
}

describe('the metrics route (in memory)', () => {
  it('serves everyone when no auth feature is composed', async () => {
    const response = await appWith(undefined).request('/metrics');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('zot_info{');
  });

  it('answers an anonymous caller 401 UNAUTHORIZED with the challenge, a user off the list 403 DENIED', async () => {
    const app = appWith(fakeAuth(['prometheus']));
    const anonymous = await app.request('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="unit"');
    expect(await anonymous.json()).toEqual({
      errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: { path: '/metrics' } }],
    });
    const stranger = await app.request('/metrics', { headers: { Authorization: 'User alice' } });
    expect(stranger.status).toBe(403);
    expect(stranger.headers.get('www-authenticate')).toBeNull();
    expect(await errorCode(stranger)).toBe('DENIED');
    const allowed = await app.request('/metrics', { headers: { Authorization: 'User prometheus' } });
    expect(allowed.status).toBe(200);
  });

  it('refuses with 401, not a 500, when identifying the caller fails', async () => {
    const response = await appWith(fakeAuth(['prometheus'], { failIdentify: true })).request('/metrics', {
      headers: { Authorization: 'User prometheus' },
    });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('ldap');
  });
});

describe('the metrics route on a server with htpasswd and accessControl.metrics.users', () => {
  let registry: TestRegistry | undefined;
  let directory: string | undefined;
  afterEach(async () => {
    await registry?.dispose();
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
    registry = undefined;
    directory = undefined;
  });

  it('lets only the listed users scrape, and counts nothing for refused scrapes', async () => {
    directory = mkdtempSync(join(tmpdir(), 'zot-metrics-auth-'));
    const htpasswd = join(directory, 'htpasswd');
    writeFileSync(htpasswd, htpasswdLines({ prometheus: 'scrape-secret', alice: 'alice-secret' }));
    registry = await startMetricsRegistry({
      http: {
        auth: { htpasswd: { path: htpasswd } },
        accessControl: {
          repositories: { '**': { anonymousPolicy: ['read'], defaultPolicy: ['read', 'create'] } },
          metrics: { users: ['prometheus'] },
        },
      },
    });
    const anonymous = await fetch(`${registry.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect(await errorCode(anonymous)).toBe('UNAUTHORIZED');

    const wrongPassword = await fetch(`${registry.url}/metrics`, {
      headers: { Authorization: basic('prometheus', 'guess') },
    });
    expect(wrongPassword.status).toBe(401);

    const alice = await fetch(`${registry.url}/metrics`, {
      headers: { Authorization: basic('alice', 'alice-secret') },
    });
    expect(alice.status).toBe(403);
    expect(await errorCode(alice)).toBe('DENIED');

    const { families } = await scrape(registry, '/metrics', {
      headers: { Authorization: basic('prometheus', 'scrape-secret') },
    });
    expect(families.has('zot_http_requests_total')).toBe(true);
    // the metrics path is never counted, refused or not (zot skips it in its session middleware)
    expect(sample(families, 'zot_http_requests_total', { method: 'GET', code: '401' })).toBeUndefined();
    expect(sample(families, 'zot_http_requests_total', { method: 'GET', code: '403' })).toBeUndefined();
  });
});

// Issue 6 through the real server: each rule of the evaluation order, the req fields an HTTP request drives,
// time windows with an injected clock, group-derived repositories, digest-only pulls, admin conditions,
// 401 vs 403 with detail.reason, fail-closed errors, catalog filtering and the Docker-client workaround.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, get, htpasswdLines, pushImage } from './auth-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

const as = (user: string, extra: Record<string, string> = {}) => ({
  Authorization: basic(user, `${user}-pw`),
  ...extra,
});
const accessControl = {
  groups: {
    dev: { users: ['alice'] },
    payments: { users: ['alice'] },
    ci: { users: ['ci'] },
    sre: { users: ['root'] },
  },
  repositories: {
    '**': {
      defaultPolicy: ['read'],
      policies: [
        {
          groups: ['payments', 'search'],
          actions: ['create', 'update'],
          conditions: [
            {
              expression:
                'req.user.groups.exists(g, req.repository == g || req.repository.startsWith(g + "/"))',
              message: 'push to your team repositories',
            },
            {
              expression:
                'req.time.getHours("Europe/Berlin") >= 8 && req.time.getHours("Europe/Berlin") < 18',
              message: 'pushes only 08:00-18:00 Berlin time',
            },
          ],
        },
      ],
    },
    'public/**': { anonymousPolicy: ['read'], defaultPolicy: ['read'] },
    'prod/**': {
      policies: [
        {
          users: ['alice'],
          actions: ['read', 'create'],
          conditions: [
            {
              expression: 'req.userAgent.startsWith("skopeo/")',
              message: 'alice pushes to prod with skopeo',
            },
          ],
        },
        {
          groups: ['ci'],
          actions: ['read'],
          conditions: [
            {
              expression: 'req.referenceType == "digest" && req.digest != ""',
              message: 'CI pulls prod by digest',
            },
          ],
        },
        { groups: ['dev'], actions: ['read'] },
      ],
    },
    'fields/**': {
      policies: [
        {
          users: ['alice'],
          actions: ['read', 'create', 'update', 'delete'],
          conditions: [
            { expression: 'req.method != "DELETE"', message: 'no deletes here' },
            { expression: '!("10.9.9.9" in req.client.forwardedFor)', message: 'blocked forwarder' },
            {
              expression: 'req.client.ip == "127.0.0.1" && !req.tls.enabled && req.tls.version == ""',
              message: 'loopback, plain HTTP',
            },
            { expression: 'req.action != "update"', message: 'tags here are immutable' },
            { expression: 'req.tag != "reserved"', message: 'that tag is reserved' },
            {
              expression: 'req.user.username == "alice" && !req.auth.anonymous && !req.auth.admin',
              message: 'alice only',
            },
            { expression: 'req.repository.startsWith("fields/")', message: 'fields only' },
          ],
        },
      ],
    },
    'broken/**': {
      policies: [
        {
          users: ['alice'],
          actions: ['read'],
          conditions: [
            { expression: 'req.claims.email.endsWith("@example.com")', message: 'company accounts' },
          ],
        },
      ],
    },
  },
  adminPolicy: {
    groups: ['sre'],
    actions: ['read', 'create', 'update', 'delete'],
    conditions: [
      {
        expression: 'req.auth.admin && req.client.forwardedFor.size() == 0',
        message: 'admin actions not through a proxy',
      },
    ],
  },
};

let registry: TestRegistry;
let directory: string;
let clock = new Date('2030-01-07T10:00:00Z'); // a Monday, 11:00 in Berlin
let prodDigest = '';

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'zot-authz-'));
  const path = join(directory, 'htpasswd');
  writeFileSync(path, htpasswdLines({ alice: 'alice-pw', bob: 'bob-pw', ci: 'ci-pw', root: 'root-pw' }));
  registry = await startTestRegistry(
    { http: { auth: { htpasswd: { path } }, accessControl } },
    { now: () => clock },
  );
  for (const repo of ['prod/app', 'team/app', 'public/app']) {
    const pushed = await pushImage(registry.url, repo, 'v1', as('root'));
    expect(pushed.status, repo).toBe(201);
    if (repo === 'prod/app') prodDigest = pushed.digest;
  }
});
afterAll(async () => {
  await registry?.dispose();
  rmSync(directory, { recursive: true, force: true });
});

const reasonOf = (answer: { json: { errors?: Array<{ detail?: { reason?: string } }> } }) =>
  answer.json.errors?.[0]?.detail?.reason;

describe('evaluation order', () => {
  it('1. a user entry grants when its conditions hold (req.userAgent)', async () => {
    expect(
      (await pushImage(registry.url, 'prod/alice', 'v1', as('alice', { 'User-Agent': 'skopeo/1.13' })))
        .status,
    ).toBe(201);
  });

  it('2. a user entry whose condition fails grants nothing; a group entry may still grant', async () => {
    const push = await pushImage(registry.url, 'prod/alice2', 'v1', as('alice', { 'User-Agent': 'curl/8' }));
    expect(push.status).toBe(403);
    expect(push.body?.errors?.[0]?.code).toBe('DENIED');
    expect(push.body?.errors?.[0]?.detail?.reason).toBe('alice pushes to prod with skopeo');
    // read: alice's own entry fails on the user agent, the dev group's entry grants
    expect(
      (await get(registry.url, '/v2/prod/app/manifests/v1', as('alice', { 'User-Agent': 'curl/8' }))).status,
    ).toBe(200);
  });

  it('3. group entries: CI pulls production images by digest only (req.referenceType, req.digest)', async () => {
    expect((await get(registry.url, `/v2/prod/app/manifests/${prodDigest}`, as('ci'))).status).toBe(200);
    const byTag = await get(registry.url, '/v2/prod/app/manifests/v1', as('ci'));
    expect(byTag.status).toBe(403);
    expect(reasonOf(byTag)).toBe('CI pulls prod by digest');
  });

  it('4. defaultPolicy serves authenticated callers only', async () => {
    expect((await get(registry.url, '/v2/team/app/manifests/v1', as('bob'))).status).toBe(200);
    const push = await pushImage(registry.url, 'team/bob', 'v1', as('bob'));
    expect(push.status).toBe(403);
    expect((await get(registry.url, '/v2/prod/app/manifests/v1', as('bob'))).status).toBe(403);
  });

  it('5. anonymousPolicy serves anonymous callers; elsewhere they get 401 with the challenge, not 403', async () => {
    expect((await get(registry.url, '/v2/public/app/manifests/v1')).status).toBe(200);
    const denied = await get(registry.url, '/v2/team/app/manifests/v1');
    expect(denied.status).toBe(401);
    expect(denied.json.errors?.[0]?.code).toBe('UNAUTHORIZED');
    expect(denied.headers.get('www-authenticate')).toBe('Basic realm="zot"');
  });

  it('6. adminPolicy decides last, with its own conditions (req.auth.admin, req.client.forwardedFor)', async () => {
    expect((await pushImage(registry.url, 'prod/root', 'v1', as('root'))).status).toBe(201);
    const proxied = await pushImage(
      registry.url,
      'prod/root2',
      'v1',
      as('root', { 'X-Forwarded-For': '192.0.2.1' }),
    );
    expect(proxied.status).toBe(403);
    expect(proxied.body?.errors?.[0]?.detail?.reason).toBe('admin actions not through a proxy');
  });
});

describe('time windows and group-derived repositories', () => {
  it('lets a team push to its own repositories inside the window only', async () => {
    expect((await pushImage(registry.url, 'payments/api', 'v1', as('alice'))).status).toBe(201);
    const foreign = await pushImage(registry.url, 'search/api', 'v1', as('alice'));
    expect(foreign.status).toBe(403);
    expect(foreign.body?.errors?.[0]?.detail?.reason).toBe('push to your team repositories');
    clock = new Date('2030-01-07T19:30:00Z'); // 20:30 in Berlin
    try {
      const late = await pushImage(registry.url, 'payments/api', 'v2', as('alice'));
      expect(late.status).toBe(403);
      expect(late.body?.errors?.[0]?.detail?.reason).toBe('pushes only 08:00-18:00 Berlin time');
    } finally {
      clock = new Date('2030-01-07T10:00:00Z');
    }
  });
});

describe('req fields driven over HTTP', () => {
  it('passes every condition on a plain create (method, client.ip, tls, action, tag, user, auth, repository)', async () => {
    expect((await pushImage(registry.url, 'fields/app', 'v1', as('alice'))).status).toBe(201);
  });

  it('req.action: moving an existing tag is an update', async () => {
    const again = await pushImage(registry.url, 'fields/app', 'v1', as('alice'));
    expect(again.status).toBe(403);
    expect(again.body?.errors?.[0]?.detail?.reason).toBe('tags here are immutable');
  });

  it('req.tag', async () => {
    expect(
      (await pushImage(registry.url, 'fields/app', 'reserved', as('alice'))).body?.errors?.[0]?.detail
        ?.reason,
    ).toBe('that tag is reserved');
  });

  it('req.method', async () => {
    const answer = await get(registry.url, '/v2/fields/app/manifests/v1', as('alice'), 'DELETE');
    expect(answer.status).toBe(403);
    expect(reasonOf(answer)).toBe('no deletes here');
  });

  it('req.client.forwardedFor', async () => {
    const answer = await get(
      registry.url,
      '/v2/fields/app/manifests/v1',
      as('alice', { 'X-Forwarded-For': '10.9.9.9, 10.0.0.1' }),
    );
    expect(reasonOf(answer)).toBe('blocked forwarder');
  });

  it('fails closed: a condition that cannot be evaluated denies with a generic reason', async () => {
    const answer = await get(registry.url, '/v2/broken/app/tags/list', as('alice'));
    expect(answer.status).toBe(403);
    expect(reasonOf(answer)).toBe('access denied by policy');
  });
});

describe('registry-wide endpoints', () => {
  it('lists in /v2/_catalog only what the caller may read', async () => {
    const anonymous = await get(registry.url, '/v2/_catalog');
    expect(anonymous.json.repositories).toEqual(['public/app']);
    const ci = (await get(registry.url, '/v2/_catalog', as('ci'))).json.repositories as string[];
    // the digest-only condition is about request details: CI still sees prod, which it can pull by digest
    expect(ci).toContain('prod/app');
    const bob = (await get(registry.url, '/v2/_catalog', as('bob'))).json.repositories as string[];
    expect(bob).toContain('team/app');
    expect(bob.some((name) => name.startsWith('prod/') || name.startsWith('fields/'))).toBe(false);
    const paged = await get(registry.url, '/v2/_catalog?n=1', as('bob'));
    expect(paged.json.repositories).toEqual([bob[0]]);
  });

  it('challenges a Docker client on GET /v2/ when anonymous and authenticated-only policies are mixed', async () => {
    expect((await get(registry.url, '/v2/', { 'User-Agent': 'skopeo/1.13' })).status).toBe(200);
    const docker = await get(registry.url, '/v2/', { 'User-Agent': 'docker/24.0.7 go/go1.20 os/linux' });
    expect(docker.status).toBe(401);
    expect(docker.headers.get('www-authenticate')).toBe('Basic realm="zot"');
    const compose = await get(registry.url, '/v2/', {
      'User-Agent': 'compose/2 Docker-Client/24.0.7 (linux)',
    });
    expect(compose.status).toBe(401);
    expect((await get(registry.url, '/v2/', as('bob', { 'User-Agent': 'docker/24.0.7' }))).status).toBe(200);
  });
});

// Hostile input (issue 21.5, 21.8, 21.9), request bodies and credentials state:
// - deeply nested JSON (4 MiB of `[`) is refused with 400 MANIFEST_INVALID before it is parsed, and the server
//   keeps answering others meanwhile; the same guard on API-key bodies;
// - API-key bodies are checked by a schema: `[]`, a label object, an impossible date are 400, never a key;
// - a 401 for an API key says the same thing whether the key is unknown, expired or another user's;
// - UI sessions do not pile up: a request with a live session reuses it, and one user keeps at most 16.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, get } from './auth-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';
import { createApiKey, htpasswdDirectory, OCI_MANIFEST, UI, uiSession } from './hostile-input-fixtures.js';

const files = htpasswdDirectory({ alice: 'alice-pw', bob: 'bob-pw' });
const alice = { Authorization: basic('alice', 'alice-pw') };
let registry: TestRegistry;

beforeAll(async () => {
  registry = await startTestRegistry({
    http: {
      auth: { htpasswd: { path: files.path }, apikey: true },
      accessControl: {
        repositories: {
          '**': {
            anonymousPolicy: ['read', 'create'],
            policies: [{ users: ['alice', 'bob'], actions: ['read', 'create', 'update', 'delete'] }],
          },
        },
      },
    },
  });
});
afterAll(async () => {
  await registry?.dispose();
  files.remove();
});

describe('deeply nested JSON (21.5)', () => {
  it('refuses ten parallel 4 MiB manifests of 2 million `[` with 400 MANIFEST_INVALID while /v2/ keeps answering', async () => {
    // balanced, so that JSON.parse would build all two million levels before anything looks at them
    const nested = `${'['.repeat(2 * 1024 * 1024)}${']'.repeat(2 * 1024 * 1024)}`;
    const puts = Array.from({ length: 10 }, async (_, i) => {
      const response = await fetch(`${registry.url}/v2/deep/app/manifests/t${i}`, {
        method: 'PUT',
        // half without Content-Type: the media type is then read from the body, which must not parse it either
        headers: i % 2 === 0 ? { 'Content-Type': OCI_MANIFEST } : {},
        body: nested,
      });
      return {
        status: response.status,
        body: (await response.json()) as { errors: Array<{ code: string }> },
      };
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    expect((await get(registry.url, '/v2/')).status).toBe(200);
    const pingMs = performance.now() - started;
    console.log(`21.5: anonymous GET /v2/ during ten 4 MiB nested manifests: ${pingMs.toFixed(0)} ms`);
    for (const answer of await Promise.all(puts)) {
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0]?.code).toBe('MANIFEST_INVALID');
    }
    expect(pingMs).toBeLessThan(2000);
  }, 60_000);

  it('refuses nesting just past 64 levels and accepts a real manifest nesting', async () => {
    const deep = `{"schemaVersion":2,"annotations":${'['.repeat(65)}${']'.repeat(65)}}`;
    const response = await fetch(`${registry.url}/v2/deep/app/manifests/t65`, {
      method: 'PUT',
      headers: { 'Content-Type': OCI_MANIFEST },
      body: deep,
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('nested deeper than 64');
  });

  it('refuses an API-key body nested too deep with 400, and makes no key', async () => {
    const body = `{"label":"x","scopes":${'['.repeat(2000)}${']'.repeat(2000)}}`;
    expect((await createApiKey(registry.url, alice, body)).status).toBe(400);
  });
});

describe('API-key bodies and the key-state oracle (21.9)', () => {
  it('answers 400 to anything but a well-formed request, and creates no key', async () => {
    const refused = [
      '[]',
      '{"label":{"a":1}}',
      '"label"',
      'null',
      '{"label":"x","scopes":"team/**"}',
      '{"label":"x","unknown":true}',
      '{"label":"x","expirationDate":"2099-02-30T00:00:00Z"}',
      '{"label":"x","expirationDate":"2099-13-01T00:00:00Z"}',
      '{"label":"x","expirationDate":"2099-01-01T24:00:00Z"}',
      '{"label":"x","expirationDate":"2099-01-01"}',
      '{"label":"x","expirationDate":"2000-01-01T00:00:00Z"}',
    ];
    for (const body of refused)
      expect((await createApiKey(registry.url, alice, body)).status, body).toBe(400);
    const list = await get(registry.url, '/zot/auth/apikey', alice);
    expect((list.json.apiKeys as unknown[]).length).toBe(0);
    // the well-formed ones still work, with zot's shapes
    expect((await createApiKey(registry.url, alice, '{"label":"ci","scopes":["team/**:read"]}')).status).toBe(
      201,
    );
    expect(
      (await createApiKey(registry.url, alice, '{"label":"x","expirationDate":"2099-02-28T00:00:00Z"}'))
        .status,
    ).toBe(201);
  });

  it("gives one reason for an unknown, an expired and another user's key", async () => {
    const expiring = await createApiKey(
      registry.url,
      alice,
      JSON.stringify({ label: 'short', expirationDate: new Date(Date.now() + 1500).toISOString() }),
    );
    const mine = await createApiKey(registry.url, alice, '{"label":"mine"}');
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const reasons = new Set<string | undefined>();
    for (const [user, key] of [
      ['alice', `zak_${'0'.repeat(32)}`], // unknown
      ['alice', expiring.apiKey as string], // expired
      ['bob', mine.apiKey as string], // another user's
    ] as const) {
      const answer = await get(registry.url, '/v2/_catalog', { Authorization: basic(user, key) });
      expect(answer.status).toBe(401);
      reasons.add(answer.json.errors?.[0]?.detail?.reason);
    }
    expect([...reasons]).toEqual(['wrong username or password']);
  }, 20_000);
});

describe('UI sessions (21.8)', () => {
  const sessionCookiesOf = (response: Response) =>
    response.headers.getSetCookie().filter((cookie) => cookie.startsWith('session='));

  it('reuses the live session a UI request carries instead of opening one per request', async () => {
    const cookie = await uiSession(registry.url, 'bob', 'bob-pw');
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${registry.url}/v2/_catalog`, {
        headers: { ...UI, Authorization: basic('bob', 'bob-pw'), Cookie: cookie },
      });
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      expect(sessionCookiesOf(response)).toEqual([]);
    }
  });

  it('keeps at most 16 sessions per user: the oldest ends when a client opens more', async () => {
    const first = await uiSession(registry.url, 'alice', 'alice-pw');
    const whoAmI = async (cookie: string) =>
      (await get(registry.url, '/zot/auth/apikey', { ...UI, Cookie: cookie })).status;
    expect(await whoAmI(first)).toBe(200);
    for (let i = 0; i < 16; i++) await uiSession(registry.url, 'alice', 'alice-pw');
    expect(await whoAmI(first)).toBe(401);
  });
});

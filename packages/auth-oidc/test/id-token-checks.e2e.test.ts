// The callback's ID-token checks, one by one, against a scripted provider that signs what each
// test asks for: only a token that is right in every respect makes a session.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOidcRelyingParty } from '../src/relying-party.js';
import { Browser } from './browser.js';
import { MapSessions, type RelyingPartyServer, startRelyingPartyServer } from './relying-party-harness.js';
import { type ScriptedProvider, startScriptedProvider } from './scripted-provider.js';

let provider: ScriptedProvider;
let registry: RelyingPartyServer;
const sessions = new MapSessions();

beforeAll(async () => {
  [registry, provider] = await Promise.all([startRelyingPartyServer(), startScriptedProvider()]);
  const relyingParty = createOidcRelyingParty({
    providers: {
      corp: { clientid: provider.clientId, clientsecret: provider.clientSecret, issuer: provider.issuer },
    },
    externalUrl: registry.origin,
    sessions,
    allowInsecureRequests: true,
  });
  registry.mount(relyingParty, sessions);
});

afterAll(async () => {
  await Promise.all([registry.close(), provider.close()]);
});

beforeEach(() => {
  provider.shapeIdToken((claims) => claims);
  provider.signWithRogueKey(false);
  sessions.sessions.clear();
});

async function loginThroughCallback(): Promise<Response> {
  const browser = new Browser();
  const started = await browser.fetch(`${registry.origin}/zot/auth/login?provider=corp`);
  const approved = await browser.fetch(started.headers.get('location') ?? '');
  return browser.fetch(approved.headers.get('location') ?? '');
}

async function expectRefused(response: Response, code: string, message: RegExp): Promise<void> {
  expect(response.status).toBe(401);
  expect(await response.json()).toMatchObject({
    errors: [{ code, message: expect.stringMatching(message) }],
  });
  expect(sessions.sessions.size).toBe(0);
}

describe('callback > ID token validation', () => {
  it('creates a session for a valid token (client_secret_post, no userinfo endpoint)', async () => {
    expect((await loginThroughCallback()).status).toBe(201);
    expect([...sessions.sessions.values()][0]).toMatchObject({
      username: 'dana@example.test',
      groups: [],
      provider: 'corp',
    });
  });

  it('refuses a token for another audience', async () => {
    provider.shapeIdToken((claims) => ({ ...claims, aud: 'some-other-client' }));
    await expectRefused(await loginThroughCallback(), 'ID_TOKEN_INVALID', /"aud"/);
  });

  it('refuses an expired token', async () => {
    provider.shapeIdToken((claims) => ({ ...claims, exp: Math.floor(Date.now() / 1000) - 3600 }));
    await expectRefused(await loginThroughCallback(), 'ID_TOKEN_INVALID', /"exp"/);
  });

  it('refuses a token from another issuer', async () => {
    provider.shapeIdToken((claims) => ({ ...claims, iss: 'https://other-issuer.example' }));
    await expectRefused(await loginThroughCallback(), 'ID_TOKEN_INVALID', /"iss"/);
  });

  it('refuses a token with another nonce', async () => {
    provider.shapeIdToken((claims) => ({ ...claims, nonce: 'replayed-nonce' }));
    await expectRefused(await loginThroughCallback(), 'ID_TOKEN_INVALID', /"nonce"/);
  });

  it('refuses a token whose signature is not from the provider JWKS', async () => {
    provider.signWithRogueKey(true);
    await expectRefused(await loginThroughCallback(), 'ID_TOKEN_INVALID', /signature does not verify/);
  });

  it('answers logout with {} when the provider has no end_session_endpoint, and revokes the session', async () => {
    const browser = new Browser();
    const started = await browser.fetch(`${registry.origin}/zot/auth/login?provider=corp`);
    const approved = await browser.fetch(started.headers.get('location') ?? '');
    expect((await browser.fetch(approved.headers.get('location') ?? '')).status).toBe(201);
    const logout = await browser.fetch(`${registry.origin}/zot/auth/logout`, { method: 'POST' });
    expect(await logout.json()).toEqual({});
    expect(sessions.sessions.size).toBe(0);
  });
});

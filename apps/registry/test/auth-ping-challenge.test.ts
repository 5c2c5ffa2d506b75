// Issue 13 item 2: GET /v2/ names the authentication challenge whenever basic or bearer authentication is
// configured, also when it answers 200 (zot's CheckVersionSupport), except for UI requests (X-ZOT-API-CLIENT:
// zot-ui); without authentication, or with mTLS alone, it names none.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, htpasswdLines } from './auth-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

const ping = (url: string, headers: Record<string, string> = {}) => fetch(`${url}/v2/`, { headers });
const allActions = ['read', 'create', 'update', 'delete'];

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'zot-ping-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('GET /v2/ with htpasswd and anonymous read on public/**', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    const path = join(directory, 'htpasswd');
    writeFileSync(path, htpasswdLines({ alice: 'secret' }));
    registry = await startTestRegistry({
      http: {
        realm: 'zot-ts test',
        auth: { htpasswd: { path } },
        accessControl: {
          repositories: {
            'public/**': { anonymousPolicy: ['read'], defaultPolicy: allActions },
            '**': { defaultPolicy: allActions },
          },
        },
      },
    });
  });
  afterAll(async () => registry?.dispose());

  it('answers an anonymous ping 200 with the Basic challenge', async () => {
    const response = await ping(registry.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="zot-ts test"');
    expect(response.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  it('names the challenge on an authenticated ping too, and on HEAD', async () => {
    const response = await ping(registry.url, { Authorization: basic('alice', 'secret') });
    expect(response.status).toBe(200);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="zot-ts test"');
    const head = await fetch(`${registry.url}/v2/`, { method: 'HEAD' });
    expect(head.headers.get('www-authenticate')).toBe('Basic realm="zot-ts test"');
  });

  it('leaves the challenge out for the UI (X-ZOT-API-CLIENT: zot-ui)', async () => {
    const response = await ping(registry.url, { 'X-ZOT-API-CLIENT': 'zot-ui' });
    expect(response.status).toBe(200);
    expect(response.headers.get('www-authenticate')).toBeNull();
  });

  it('adds nothing to other routes that answer 200', async () => {
    const response = await fetch(`${registry.url}/v2/public/none/tags/list`);
    expect(response.headers.get('www-authenticate')).toBeNull();
  });
});

describe('GET /v2/ with bearer authentication', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    const cert = join(directory, 'token.pem');
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(cert, publicKey.export({ type: 'spki', format: 'pem' }));
    registry = await startTestRegistry({
      http: {
        auth: { bearer: { realm: 'https://auth.example.test/token', service: 'zot.example.test', cert } },
        accessControl: { repositories: { '**': { anonymousPolicy: ['read'] } } },
      },
    });
  });
  afterAll(async () => registry?.dispose());

  it('answers 200 to an anonymous ping with the Bearer challenge', async () => {
    const response = await ping(registry.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="https://auth.example.test/token",service="zot.example.test"',
    );
  });
});

describe('GET /v2/ without authentication', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(async () => registry?.dispose());

  it('names no challenge', async () => {
    const response = await ping(registry.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('www-authenticate')).toBeNull();
  });
});

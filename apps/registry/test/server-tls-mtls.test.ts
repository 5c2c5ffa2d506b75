// Issue 5, mTLS through the real server (startRegistry, server.ts): with http.tls.cacert the HTTPS server asks
// for a client certificate without requiring one, and what the socket verified (authorized, subject, SANs)
// reaches the authenticator. A certificate signed by cacert is an identity (CommonName by default, or the
// attribute that http.auth.mtls.identityAttributes names); one from an unknown CA, or none, gets 401.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, startTestRegistry, type TestRegistry } from './helpers.js';
import { httpsCall, makeSelfSigned, makeSigned } from './server-tls-certs.js';

let byCommonName: TestRegistry;
let byEmail: TestRegistry;
let directory: string;

function tlsSection(dir: string) {
  return {
    cert: join(dir, 'server.crt'),
    key: join(dir, 'server.key'),
    cacert: join(dir, 'ca.crt'),
  };
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'zot-mtls-'));
  makeSelfSigned(directory, 'ca');
  makeSelfSigned(directory, 'rogue-ca');
  makeSigned(directory, 'server', 'ca', '/CN=localhost', 'subjectAltName=IP:127.0.0.1');
  makeSigned(directory, 'alice', 'ca', '/CN=alice/O=dev');
  makeSigned(directory, 'mallory', 'rogue-ca', '/CN=alice');
  makeSigned(directory, 'bob-mail', 'ca', '/CN=robot-7', 'subjectAltName=email:bob@example.com');
  byCommonName = await startTestRegistry({
    http: { tls: tlsSection(directory) },
  });
  byEmail = await startTestRegistry({
    http: {
      tls: tlsSection(directory),
      auth: { mtls: { identityAttributes: ['Email'] } },
      accessControl: {
        repositories: { '**': { policies: [{ users: ['bob@example.com'], actions: ['read', 'create'] }] } },
      },
    },
  });
});
afterAll(async () => {
  await byEmail?.dispose();
  await byCommonName?.dispose();
  rmSync(directory, { recursive: true, force: true });
});

describe('startRegistry with http.tls.cacert', () => {
  it('serves https and accepts a client certificate signed by cacert as its CommonName, which may push', async () => {
    expect(byCommonName.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const port = byCommonName.port;
    expect((await httpsCall(port, 'GET', '/v2/', { directory, client: 'alice' })).status).toBe(200);
    const blob = 'mtls layer';
    const pushed = await httpsCall(port, 'POST', `/v2/certs/app/blobs/uploads/?digest=${sha256(blob)}`, {
      directory,
      client: 'alice',
      body: blob,
    });
    expect(pushed.status).toBe(201);
    const catalog = await httpsCall(port, 'GET', '/v2/_catalog', { directory, client: 'alice' });
    expect(JSON.parse(catalog.body).repositories).toEqual(['certs/app']);
  });

  it('still completes the handshake without a client certificate (asked, not required), then answers 401', async () => {
    const answer = await httpsCall(byCommonName.port, 'GET', '/v2/');
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body).errors[0].code).toBe('UNAUTHORIZED');
  });

  it('answers 401 to a certificate from an unknown CA even when its CommonName is a known user, and writes nothing', async () => {
    const port = byCommonName.port;
    expect((await httpsCall(port, 'GET', '/v2/', { directory, client: 'mallory' })).status).toBe(401);
    const refused = await httpsCall(port, 'POST', '/v2/rogue/app/blobs/uploads/', {
      directory,
      client: 'mallory',
    });
    expect(refused.status).toBe(401);
    const catalog = await httpsCall(port, 'GET', '/v2/_catalog', { directory, client: 'alice' });
    expect(JSON.parse(catalog.body).repositories).not.toContain('rogue/app');
  });

  it('takes the identity from the email SAN when identityAttributes says Email, and policies see that name', async () => {
    const port = byEmail.port;
    const blob = 'san layer';
    const pushed = await httpsCall(port, 'POST', `/v2/mail/app/blobs/uploads/?digest=${sha256(blob)}`, {
      directory,
      client: 'bob-mail',
      body: blob,
    });
    expect(pushed.status).toBe(201);
    // alice's certificate is verified but has no email SAN: no identity from it
    expect((await httpsCall(port, 'GET', '/v2/', { directory, client: 'alice' })).status).toBe(401);
  });
});

import { execFileSync } from 'node:child_process';
import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, createBearerVerifier, loadBearerKey } from '../src/index.js';
import { requestInfo, temporaryDirectory } from './helpers.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

function jwt(alg: string, key: KeyObject, claims: Record<string, unknown>): string {
  const data = `${b64({ alg, typ: 'JWT' })}.${b64(claims)}`;
  const hash = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
  const options = alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
  return `${data}.${sign(hash, Buffer.from(data), options).toString('base64url')}`;
}

const claims = (overrides: Record<string, unknown> = {}) => ({
  iss: 'token-service',
  sub: 'alice',
  aud: 'zot',
  exp: nowSeconds() + 300,
  nbf: nowSeconds() - 10,
  access: [{ type: 'repository', name: 'team/app', actions: ['pull', 'push'] }],
  ...overrides,
});

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const options = { realm: 'https://auth.example/token', service: 'zot', issuer: 'token-service' };

describe('bearer tokens', () => {
  const verifier = createBearerVerifier({ ...options, publicKey: rsa.publicKey });

  it('accepts a valid RS256 token and turns access claims into credential scopes', () => {
    const result = verifier.verify(jwt('RS256', rsa.privateKey, claims()));
    expect(result).toMatchObject({
      ok: true,
      identity: {
        username: 'alice',
        method: 'bearer',
        credentialScopes: [
          { repositories: ['team/app'], actions: ['read', 'create', 'update', 'delete'], exact: true },
        ],
      },
    });
  });

  it('maps delete and * claims, and ignores non-repository access', () => {
    const token = jwt(
      'RS256',
      rsa.privateKey,
      claims({
        access: [
          { type: 'repository', name: 'a', actions: ['delete'] },
          { type: 'repository', name: 'b', actions: ['*'] },
          { type: 'registry', name: 'catalog', actions: ['*'] },
        ],
      }),
    );
    const result = verifier.verify(token);
    expect(result.ok && result.identity.credentialScopes).toEqual([
      { repositories: ['a'], actions: ['delete'], exact: true },
      { repositories: ['b'], actions: ['read', 'create', 'update', 'delete'], exact: true },
    ]);
  });

  it.each([
    [
      'a token signed by another key',
      () => jwt('RS256', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, claims()),
    ],
    ['an expired token', () => jwt('RS256', rsa.privateKey, claims({ exp: nowSeconds() - 3600 }))],
    ['a token not valid yet', () => jwt('RS256', rsa.privateKey, claims({ nbf: nowSeconds() + 3600 }))],
    ['a token for another service', () => jwt('RS256', rsa.privateKey, claims({ aud: 'other' }))],
    ['a token from another issuer', () => jwt('RS256', rsa.privateKey, claims({ iss: 'evil' }))],
    ['a token without exp', () => jwt('RS256', rsa.privateKey, claims({ exp: undefined }))],
    ['an unsigned alg=none token', () => `${b64({ alg: 'none' })}.${b64(claims())}.`],
    [
      'an HS256 token keyed with the public key (algorithm confusion)',
      () => {
        const data = `${b64({ alg: 'HS256' })}.${b64(claims())}`;
        const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' });
        return `${data}.${createHmac('sha256', pem).update(data).digest('base64url')}`;
      },
    ],
    [
      'a token whose payload was altered after signing',
      () => {
        const [h, , s] = jwt('RS256', rsa.privateKey, claims()).split('.');
        return `${h}.${b64(claims({ access: [{ type: 'repository', name: '*', actions: ['*'] }] }))}.${s}`;
      },
    ],
  ])('rejects %s', (_name, make) => {
    expect(verifier.verify(make())).toMatchObject({ ok: false });
  });

  it('verifies ES256 and EdDSA tokens with their keys, and refuses a curve mismatch', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ed = generateKeyPairSync('ed25519');
    expect(
      createBearerVerifier({ ...options, publicKey: ec.publicKey }).verify(
        jwt('ES256', ec.privateKey, claims()),
      ).ok,
    ).toBe(true);
    expect(
      createBearerVerifier({ ...options, publicKey: ed.publicKey }).verify(
        jwt('EdDSA', ed.privateKey, claims()),
      ).ok,
    ).toBe(true);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(
      createBearerVerifier({ ...options, publicKey: p384.publicKey }).verify(
        jwt('ES256', ec.privateKey, claims()),
      ).ok,
    ).toBe(false);
  });

  it('builds the Docker token challenge with the repository scope', () => {
    expect(verifier.challenge({ repository: 'team/app', action: 'read' })).toBe(
      'Bearer realm="https://auth.example/token",service="zot",scope="repository:team/app:pull"',
    );
    expect(verifier.challenge({ repository: 'team/app', action: 'update' })).toContain(
      'repository:team/app:push',
    );
    expect(verifier.challenge({ repository: '', action: 'read' })).toBe(
      'Bearer realm="https://auth.example/token",service="zot"',
    );
    expect(verifier.challenge({ repository: 'a', action: 'create', error: 'insufficient_scope' })).toContain(
      'error="insufficient_scope"',
    );
  });
});

describe('bearer key files', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeAll(async () => {
    dir = await temporaryDirectory();
  });
  afterAll(async () => {
    await dir.remove();
  });

  it("loads the public key from a PEM certificate made by openssl, as zot's `cert` option", async () => {
    const keyPath = join(dir.path, 'token.key');
    const certPath = join(dir.path, 'token.crt');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyPath,
        '-out',
        certPath,
        '-days',
        '1',
        '-subj',
        '/CN=token-service',
      ],
      { stdio: 'ignore' },
    );
    const { createPrivateKey } = await import('node:crypto');
    const privateKey = createPrivateKey(readFileSync(keyPath));
    const authenticator = createAuthenticator({
      bearer: createBearerVerifier({ ...options, publicKey: await loadBearerKey(certPath) }),
    });
    const good = await authenticator.authenticate(
      requestInfo({ authorization: `Bearer ${jwt('RS256', privateKey, claims())}` }),
    );
    expect(good).toMatchObject({ kind: 'identity', identity: { username: 'alice', method: 'bearer' } });
    const forged = await authenticator.authenticate(
      requestInfo({ authorization: `Bearer ${jwt('RS256', rsa.privateKey, claims())}` }),
    );
    expect(forged.kind).toBe('rejected');
  });
});

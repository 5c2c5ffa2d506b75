// A scripted OpenID provider: it approves every authorization request at once and returns an ID
// token whose claims each test shapes, so the relying party's ID-token checks (audience, expiry,
// issuer, nonce, signature) can be shown to refuse exactly what they should.
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Shapes the next ID tokens: receives the valid claims, returns what to sign. */
  shapeIdToken(shape: (claims: Record<string, unknown>) => Record<string, unknown>): void;
  /** Sign with a key that is not in the JWKS. */
  signWithRogueKey(rogue: boolean): void;
  close(): Promise<void>;
}

export async function startScriptedProvider(): Promise<ScriptedProvider> {
  const signing = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rogue = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const jwk = { ...signing.publicKey.export({ format: 'jwk' }), kid: 'scripted-1', alg: 'ES256', use: 'sig' };
  const clientId = 'zot-scripted';
  const clientSecret = 'scripted-secret';
  const nonceByCode = new Map<string, string>();
  let shape = (claims: Record<string, unknown>) => claims;
  let useRogueKey = false;
  let issuer = '';

  function signJwt(claims: Record<string, unknown>, key: KeyObject): string {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${encode({ alg: 'ES256', kid: 'scripted-1', typ: 'JWT' })}.${encode(claims)}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  }

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', issuer);
    if (url.pathname === '/.well-known/openid-configuration') {
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          id_token_signing_alg_values_supported: ['ES256'],
          token_endpoint_auth_methods_supported: ['client_secret_post'],
          // No end_session_endpoint: logout then answers `{}`.
        }),
      );
      return;
    }
    if (url.pathname === '/jwks') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    if (url.pathname === '/authorize') {
      const code = `code-${nonceByCode.size + 1}`;
      nonceByCode.set(code, url.searchParams.get('nonce') ?? '');
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      response.writeHead(302, { location: back.href }).end();
      return;
    }
    if (url.pathname === '/token' && request.method === 'POST') {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        const form = new URLSearchParams(body);
        const nonce = nonceByCode.get(form.get('code') ?? '');
        response.setHeader('content-type', 'application/json');
        if (nonce === undefined || form.get('client_secret') !== clientSecret) {
          response.statusCode = 400;
          response.end(JSON.stringify({ error: 'invalid_grant' }));
          return;
        }
        nonceByCode.delete(form.get('code') ?? '');
        const now = Math.floor(Date.now() / 1000);
        const claims = shape({
          iss: issuer,
          sub: 'dana',
          aud: clientId,
          iat: now,
          exp: now + 300,
          nonce,
          email: 'dana@example.test',
        });
        const idToken = signJwt(claims, useRogueKey ? rogue : signing.privateKey);
        response.end(
          JSON.stringify({ access_token: 'scripted-access-token', token_type: 'Bearer', id_token: idToken }),
        );
      });
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    clientId,
    clientSecret,
    shapeIdToken(next) {
      shape = next;
    },
    signWithRogueKey(value) {
      useRogueKey = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// A minimal OpenID issuer for workload tokens: discovery + JWKS over node:http on loopback, and a
// signer for test JWTs. Keys can be rotated to exercise the verifier's refetch on unknown kid.
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestIssuer {
  issuer: string;
  /** How many times the JWKS was served. */
  jwksFetches(): number;
  /** Adds a new signing key and makes it current; the old ones stay published unless `retire`. */
  rotate(options?: { retire?: boolean }): string;
  sign(claims: Record<string, unknown>, options?: { kid?: string; key?: KeyObject }): string;
  close(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

function newKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' } };
}

export async function startTestIssuer(): Promise<TestIssuer> {
  let keys = [newKey('key-1')];
  let fetches = 0;
  let issuer = '';
  const server: Server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    if (request.url === '/.well-known/openid-configuration') {
      response.end(
        JSON.stringify({
          issuer,
          jwks_uri: `${issuer}/jwks`,
          id_token_signing_alg_values_supported: ['ES256'],
        }),
      );
    } else if (request.url === '/jwks') {
      fetches += 1;
      response.end(JSON.stringify({ keys: keys.map((key) => key.jwk) }));
    } else {
      response.statusCode = 404;
      response.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    jwksFetches: () => fetches,
    rotate(options) {
      const key = newKey(`key-${keys.length + 1}-${Date.now()}`);
      keys = options?.retire ? [key] : [...keys, key];
      return key.kid;
    },
    sign(claims, options) {
      const current = keys[keys.length - 1] as SigningKey;
      const header = { alg: 'ES256', typ: 'JWT', kid: options?.kid ?? current.kid };
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const signingInput = `${encode(header)}.${encode(claims)}`;
      const privateKey =
        options?.key ?? keys.find((key) => key.kid === header.kid)?.privateKey ?? current.privateKey;
      const signature = sign('sha256', Buffer.from(signingInput), {
        key: privateKey,
        dsaEncoding: 'ieee-p1363',
      });
      return `${signingInput}.${signature.toString('base64url')}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function freshPrivateKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

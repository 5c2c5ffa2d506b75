// Compact JWS (RFC 7515) decoding and signature checks with node:crypto, for the asymmetric
// algorithms identity providers use for ID tokens (RFC 7518 section 3, RFC 8037).
import { constants, createPublicKey, type JsonWebKey, type KeyObject, verify } from 'node:crypto';

export interface DecodedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

export function decodeJws(token: string): DecodedJws | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [encodedHeader = '', encodedPayload = '', encodedSignature = ''] = parts;
  const header = parseJsonObject(encodedHeader);
  const payload = parseJsonObject(encodedPayload);
  if (header === undefined || payload === undefined) return undefined;
  return {
    header,
    payload,
    signingInput: `${encodedHeader}.${encodedPayload}`,
    signature: Buffer.from(encodedSignature, 'base64url'),
  };
}

function parseJsonObject(encoded: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

interface AlgorithmSpec {
  kty: 'RSA' | 'EC' | 'OKP';
  hash: string | null;
  crv?: string;
  pss?: boolean;
}

// `none` and the HMAC algorithms are absent on purpose: a public JWKS cannot vouch for them.
const algorithms: Record<string, AlgorithmSpec> = {
  RS256: { kty: 'RSA', hash: 'sha256' },
  RS384: { kty: 'RSA', hash: 'sha384' },
  RS512: { kty: 'RSA', hash: 'sha512' },
  PS256: { kty: 'RSA', hash: 'sha256', pss: true },
  PS384: { kty: 'RSA', hash: 'sha384', pss: true },
  PS512: { kty: 'RSA', hash: 'sha512', pss: true },
  ES256: { kty: 'EC', hash: 'sha256', crv: 'P-256' },
  ES384: { kty: 'EC', hash: 'sha384', crv: 'P-384' },
  ES512: { kty: 'EC', hash: 'sha512', crv: 'P-521' },
  EdDSA: { kty: 'OKP', hash: null, crv: 'Ed25519' },
  Ed25519: { kty: 'OKP', hash: null, crv: 'Ed25519' },
};

export function isSupportedAlgorithm(alg: unknown): alg is string {
  return typeof alg === 'string' && Object.hasOwn(algorithms, alg);
}

/** Whether a JWK from the set may verify a token signed with `alg` (RFC 7517 section 4). */
export function keyFitsAlgorithm(jwk: Record<string, unknown>, alg: string): boolean {
  const spec = algorithms[alg];
  if (spec === undefined || jwk.kty !== spec.kty) return false;
  if (spec.crv !== undefined && jwk.crv !== spec.crv) return false;
  if (jwk.alg !== undefined && jwk.alg !== alg && !(alg === 'Ed25519' && jwk.alg === 'EdDSA')) return false;
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify')) return false;
  return true;
}

export function importJwk(jwk: Record<string, unknown>): KeyObject | undefined {
  try {
    return createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    return undefined;
  }
}

export function verifySignature(
  alg: string,
  key: KeyObject,
  signingInput: string,
  signature: Buffer,
): boolean {
  const spec = algorithms[alg];
  if (spec === undefined) return false;
  const data = Buffer.from(signingInput);
  try {
    if (spec.kty === 'EC') return verify(spec.hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    if (spec.pss) {
      return verify(
        spec.hash,
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
        signature,
      );
    }
    return verify(spec.hash, data, key, signature);
  } catch {
    return false;
  }
}

// JWS compact verification (RFC 7515/7519) with node:crypto only, for Docker registry tokens.
// The algorithm must fit the configured key (RSA: RS*/PS*, EC: ES* on the matching curve,
// Ed25519/Ed448: EdDSA): `none` and HMAC algorithms are never accepted, which closes the classic
// algorithm-confusion attacks.

import { constants, type KeyObject, verify } from 'node:crypto';
import { parseJsonWithinDepth } from '@zot-ts/oci-store';

export type JwtFailure =
  | 'malformed'
  | 'algorithm'
  | 'signature'
  | 'expired'
  | 'not yet valid'
  | 'issuer'
  | 'audience';

export class JwtError extends Error {
  readonly code: JwtFailure;
  constructor(code: JwtFailure, message: string) {
    super(message);
    this.name = 'JwtError';
    this.code = code;
  }
}

export interface JwtVerifyOptions {
  key: KeyObject;
  /** Required `aud` value (string, or one of an array). */
  audience: string;
  issuer?: string;
  /** Allowed clock difference for exp/nbf; docker/distribution uses 60 s. */
  clockToleranceSeconds?: number;
  now?: () => Date;
}

const HASH_OF: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };
const CURVE_OF_ES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

function decodeJson(part: string): Record<string, unknown> {
  // the depth guard first: this runs on attacker-chosen bytes, before the signature is checked
  const value: unknown = parseJsonWithinDepth(Buffer.from(part, 'base64url').toString('utf8'));
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
  return value as Record<string, unknown>;
}

function checkSignature(alg: string, key: KeyObject, data: Buffer, signature: Buffer): boolean {
  const type = key.asymmetricKeyType;
  if (alg === 'EdDSA' && (type === 'ed25519' || type === 'ed448')) return verify(null, data, key, signature);
  const hash = HASH_OF[alg.slice(2)];
  if (!hash) throw new JwtError('algorithm', `unsupported algorithm ${alg}`);
  if (alg.startsWith('RS') && type === 'rsa') return verify(hash, data, key, signature);
  if (alg.startsWith('PS') && (type === 'rsa' || type === 'rsa-pss')) {
    return verify(
      hash,
      data,
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 },
      signature,
    );
  }
  if (alg.startsWith('ES') && type === 'ec' && key.asymmetricKeyDetails?.namedCurve === CURVE_OF_ES[alg]) {
    return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  }
  throw new JwtError('algorithm', `algorithm ${alg} does not fit the ${type} key`);
}

/** Returns the claims of a valid token; throws JwtError otherwise. */
export function verifyJwt(token: string, options: JwtVerifyOptions): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('malformed', 'a JWT has three parts');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = decodeJson(headerPart);
    claims = decodeJson(payloadPart);
  } catch {
    throw new JwtError('malformed', 'header or payload is not base64url JSON');
  }
  if (typeof header.alg !== 'string') throw new JwtError('malformed', 'alg missing');
  if (header.crit !== undefined) throw new JwtError('malformed', 'crit header parameters are not supported');
  const signed = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
  if (!checkSignature(header.alg, options.key, signed, Buffer.from(signaturePart, 'base64url'))) {
    throw new JwtError('signature', 'signature does not verify');
  }

  const nowSeconds = (options.now?.() ?? new Date()).getTime() / 1000;
  const tolerance = options.clockToleranceSeconds ?? 60;
  if (typeof claims.exp !== 'number') throw new JwtError('expired', 'exp is required');
  if (claims.exp + tolerance <= nowSeconds) throw new JwtError('expired', 'token expired');
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf - tolerance > nowSeconds)) {
    throw new JwtError('not yet valid', 'token not valid yet');
  }
  if (options.issuer !== undefined && claims.iss !== options.issuer)
    throw new JwtError('issuer', 'unexpected issuer');
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(options.audience)) throw new JwtError('audience', 'token is not for this service');
  return claims;
}

// What both envelope formats come down to (notation's signature specification,
// notaryproject/specifications specs/signature-specification.md): the signed payload, the certificate
// chain (leaf first), the signed attributes, and a check of the signature with the leaf's key.
import { constants, type KeyObject, verify, type X509Certificate } from 'node:crypto';

/** notation's payload content type (`cty` / COSE content type). */
export const NOTATION_PAYLOAD_TYPE = 'application/vnd.cncf.notary.payload.v1+json';
export const JWS_ENVELOPE_TYPE = 'application/jose+json';
export const COSE_ENVELOPE_TYPE = 'application/cose';

export const SIGNING_SCHEME = 'io.cncf.notary.signingScheme';
export const SIGNING_TIME = 'io.cncf.notary.signingTime';
export const EXPIRY = 'io.cncf.notary.expiry';
export const AUTHENTIC_SIGNING_TIME = 'io.cncf.notary.authenticSigningTime';
/** Critical headers we understand; any other one in `crit` makes the envelope invalid (spec: MUST). */
export const KNOWN_CRITICAL = new Set([SIGNING_SCHEME, EXPIRY, AUTHENTIC_SIGNING_TIME]);

export class EnvelopeError extends Error {}

/** The algorithms notation signs with: RSASSA-PSS and ECDSA over SHA-2. */
export type SignatureAlgorithm = 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

export interface ParsedEnvelope {
  payload: Uint8Array;
  /** DER certificates, leaf first. */
  certificates: Uint8Array[];
  signingScheme: string;
  signingTime?: Date;
  expiry?: Date;
  algorithm: SignatureAlgorithm;
  /** The bytes the signature covers. */
  signedBytes: Uint8Array;
  signature: Uint8Array;
}

const HASH_OF: Record<SignatureAlgorithm, string> = {
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
};

/** Both JWS and COSE carry ECDSA signatures as r||s (IEEE P1363), not DER. */
export function signatureVerifies(envelope: ParsedEnvelope, leaf: X509Certificate): boolean {
  const key: KeyObject = leaf.publicKey;
  const hash = HASH_OF[envelope.algorithm];
  try {
    if (envelope.algorithm.startsWith('ES')) {
      if (key.asymmetricKeyType !== 'ec') return false;
      return verify(hash, envelope.signedBytes, { key, dsaEncoding: 'ieee-p1363' }, envelope.signature);
    }
    if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') return false;
    return verify(
      hash,
      envelope.signedBytes,
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
      envelope.signature,
    );
  } catch {
    return false;
  }
}

export function checkCritical(critical: unknown, present: (name: string) => boolean): void {
  if (!Array.isArray(critical)) throw new EnvelopeError('crit header missing');
  for (const name of critical) {
    if (typeof name !== 'string' || !KNOWN_CRITICAL.has(name))
      throw new EnvelopeError(`unknown critical header ${String(name)}`);
    if (!present(name)) throw new EnvelopeError(`critical header ${name} is absent`);
  }
  if (!critical.includes(SIGNING_SCHEME)) throw new EnvelopeError(`${SIGNING_SCHEME} must be critical`);
  if (present(EXPIRY) && !critical.includes(EXPIRY)) throw new EnvelopeError(`${EXPIRY} must be critical`);
}

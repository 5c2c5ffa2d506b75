// Public keys as cosign uses them: PEM SubjectPublicKeyInfo; ECDSA (P-256 by default), RSA or Ed25519.
// Parsing and signature checks with node:crypto only.
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';

export type KeyAlgorithm = 'ecdsa-p256' | 'ecdsa-p384' | 'ecdsa-p521' | 'rsa' | 'ed25519';

export interface ParsedPublicKey {
  key: KeyObject;
  algorithm: KeyAlgorithm;
  /** `sha256:<hex>` of the DER SubjectPublicKeyInfo: stable whatever the PEM's line wrapping. */
  fingerprint: string;
  /** Normalised PEM (SPKI). */
  pem: string;
}

const CURVES: Record<string, KeyAlgorithm> = {
  prime256v1: 'ecdsa-p256',
  secp384r1: 'ecdsa-p384',
  secp521r1: 'ecdsa-p521',
};

// cosign hashes with SHA-256 by default; sigstore's default verifiers pick the hash by curve.
// Both are tried, so keys made either way verify.
const HASHES_BY_ALGORITHM: Record<KeyAlgorithm, Array<string | null>> = {
  'ecdsa-p256': ['sha256'],
  'ecdsa-p384': ['sha384', 'sha256'],
  'ecdsa-p521': ['sha512', 'sha256'],
  rsa: ['sha256'],
  ed25519: [null],
};

/** Throws a plain Error with a human reason; the trust store turns it into INVALID_KEY. */
export function parsePublicKeyPem(pem: string): ParsedPublicKey {
  // createPublicKey also accepts a private key and derives its public half: refuse that, a private key
  // must never be uploaded to (or stored by) a registry.
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem))
    throw new Error('a private key was given; upload the public key');
  if (!/-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY)-----/.test(pem)) throw new Error('not a PEM public key');
  const key = createPublicKey({ key: pem, format: 'pem' });
  const algorithm = algorithmOf(key);
  const der = key.export({ type: 'spki', format: 'der' });
  return {
    key,
    algorithm,
    fingerprint: `sha256:${createHash('sha256').update(der).digest('hex')}`,
    pem: key.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function algorithmOf(key: KeyObject): KeyAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const algorithm = CURVES[details.namedCurve ?? ''];
      if (!algorithm) throw new Error(`unsupported elliptic curve ${details.namedCurve ?? 'unknown'}`);
      return algorithm;
    }
    case 'rsa':
      // Below 2048 bits RSA is breakable; sigstore refuses such keys too.
      if ((details.modulusLength ?? 0) < 2048) throw new Error('RSA keys must have at least 2048 bits');
      return 'rsa';
    case 'ed25519':
      return 'ed25519';
    default:
      throw new Error(`unsupported key type ${key.asymmetricKeyType ?? 'unknown'}`);
  }
}

/** Verifies a raw signature (DER ECDSA, PKCS#1 v1.5 RSA, or Ed25519) over `data`. Never throws. */
export function verifyWithKey(
  parsed: Pick<ParsedPublicKey, 'key' | 'algorithm'>,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  for (const hash of HASHES_BY_ALGORITHM[parsed.algorithm]) {
    try {
      if (verify(hash, data, parsed.key, signature)) return true;
    } catch {
      // A malformed signature makes node:crypto throw; for us it is simply not a valid signature.
    }
  }
  return false;
}

/** Decodes base64 strictly enough that junk is rejected rather than silently truncated. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const trimmed = text.trim();
  if (trimmed.length === 0 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  return Buffer.from(trimmed, 'base64');
}

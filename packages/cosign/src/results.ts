// The shape of verification results: what the registry serves at GET /v2/_zot/ext/signatures/<name>/<digest>
// (zot shows the same facts through GraphQL: IsSigned and SignatureInfo{Tool, IsTrusted, Author}).
import type { SignatureKind } from './classify.js';

export type SignatureTool = 'cosign' | 'notation';

/**
 * trusted: the signature verifies with a trusted key (or the trusted root) and names this manifest.
 * untrusted: well-formed, but no trusted key or root vouches for it (another key, or none configured).
 * invalid: malformed, or provably not about this manifest (wrong digest, tampered payload).
 */
export type SignatureStatus = 'trusted' | 'untrusted' | 'invalid';

export interface SignatureReport {
  tool: SignatureTool;
  kind: SignatureKind;
  status: SignatureStatus;
  trusted: boolean;
  /** The signature manifest (the `.sig` image, or the referrer). */
  manifestDigest: string;
  /** The layer holding this signature, when the manifest has several. */
  layerDigest?: string;
  /** The trusted key that verified it. */
  keyFingerprint?: string;
  /** For keyless signatures verified against a trusted root: who signed. */
  identity?: { subjectAlternativeName?: string; issuer?: string };
  /** In-toto predicate type of attestations and DSSE bundles. */
  predicateType?: string;
  /** Notation: the signing certificate's subject (zot's Author), e.g. "CN=signer,O=Acme,C=US". */
  signer?: string;
  /** Notation: when trust ends (the signature's expiry or the signing certificate's notAfter). */
  expiresAt?: string;
  /** Why it is not trusted. */
  reason?: string;
}

export interface ManifestSignatures {
  digest: string;
  /** At least one signature was found, trusted or not (zot's IsSigned). */
  signed: boolean;
  /** At least one signature is trusted. */
  trusted: boolean;
  signatures: SignatureReport[];
}

/** The outcome of checking one signature, before it is labelled with tool, kind and location. */
export interface Verdict {
  status: SignatureStatus;
  keyFingerprint?: string;
  identity?: { subjectAlternativeName?: string; issuer?: string };
  predicateType?: string;
  signer?: string;
  expiresAt?: string;
  reason?: string;
}

/**
 * Verifies one notation envelope (a layer of a notation signature manifest) against the notation trust store;
 * the registry plugs @zot-ts/notation in here, so this package needs no X.509 code of its own.
 */
export type NotationCheck = (input: {
  envelope: Uint8Array;
  envelopeMediaType: string;
  subject: { digest: string; mediaType?: string; size?: number };
}) => Promise<Verdict>;

export function invalid(reason: string): Verdict {
  return { status: 'invalid', reason };
}

export function untrusted(reason: string): Verdict {
  return { status: 'untrusted', reason };
}

// Keyless (certificate-based) sigstore bundles: the leaf certificate must chain to a certificate authority
// of the configured trusted root at the time a trusted log (Rekor) says the signature was made, the log
// entry must be signed by a trusted log and match the signature, the leaf must be for code signing, and
// the signer's identity must be one the operator accepts. Offline throughout: the trusted root and the
// bundle carry everything (sigstore client spec, "Verification").
import { X509Certificate } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import { type SignedEntity, type TrustMaterial, Verifier } from '@sigstore/verify';
import {
  type CertificateIdentity,
  compileKeylessPolicy,
  describeIdentity,
  type KeylessIdentity,
  type KeylessPolicy,
} from './keyless-policy.js';
import { untrusted, type Verdict } from './results.js';
import { loadTrustedRoot } from './trusted-root.js';

const CODE_SIGNING_EKU = '1.3.6.1.5.5.7.3.3';

/** A loaded trusted root and the accepted identities, built once when the verifier is created. */
export interface KeylessTrust {
  material: TrustMaterial;
  policy: KeylessPolicy;
}

/** Throws TrustedRootError (INVALID_TRUSTED_ROOT or INVALID_KEYLESS_IDENTITY) on bad input. */
export function createKeylessTrust(
  trustedRoot: unknown,
  identities: readonly KeylessIdentity[] = [],
): KeylessTrust {
  return { material: loadTrustedRoot(trustedRoot), policy: compileKeylessPolicy(identities) };
}

/** The signing certificate a bundle carries (v0.3: `certificate`; older: the chain's first). */
export function leafCertificateOf(bundle: Bundle): Uint8Array | undefined {
  const material = bundle.verificationMaterial.content;
  if (material.$case === 'certificate') return material.certificate.rawBytes;
  if (material.$case === 'x509CertificateChain')
    return material.x509CertificateChain.certificates[0]?.rawBytes;
  return undefined;
}

export function verifyKeyless(
  bundle: Bundle,
  entity: SignedEntity,
  trust: KeylessTrust | undefined,
): Verdict {
  if (!trust) return untrusted('no trusted root configured');
  let signer: ReturnType<Verifier['verify']>;
  try {
    // Sigstore's defaults: at least one verified tlog entry and one timestamp (the entry's signed
    // integratedTime), checked against the root. An SCT is demanded only when the root lists CT logs: a
    // private deployment without a CT log could otherwise never verify (sigstore-go's WithoutSCTs knob).
    const verifier = new Verifier(trust.material, {
      tlogThreshold: 1,
      timestampThreshold: 1,
      ctlogThreshold: trust.material.ctlogs.length > 0 ? 1 : 0,
    });
    signer = verifier.verify(entity);
  } catch (error) {
    return untrusted(`keyless verification failed: ${describeError(error)}`);
  }
  const identity: CertificateIdentity = {};
  if (signer.identity?.subjectAlternativeName)
    identity.subjectAlternativeName = signer.identity.subjectAlternativeName;
  if (signer.identity?.extensions?.issuer) identity.issuer = signer.identity.extensions.issuer;

  // @sigstore/verify does not look at key usage; cosign verifies Fulcio leaves for code signing only.
  const leaf = leafCertificateOf(bundle);
  if (!leaf || !new X509Certificate(leaf).keyUsage?.includes(CODE_SIGNING_EKU))
    return { ...untrusted('signing certificate is not for code signing (no code-signing EKU)'), identity };
  if (!trust.policy.accepts(identity)) {
    return {
      ...untrusted(
        `certificate identity ${describeIdentity(identity)} matches no configured keyless identity`,
      ),
      identity,
    };
  }
  return { status: 'trusted', identity };
}

/** VerificationError wraps the telling reason in `cause` ("Failed to verify certificate chain"). */
function describeError(error: unknown): string {
  const message = (error as Error).message;
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message !== message ? `${message}: ${cause.message}` : message;
}

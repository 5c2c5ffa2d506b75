// Whether the registry trusts an image's signatures, when it can say. The registry announces its
// verification endpoint in extension discovery (`/v2/_zot/ext/signatures` under `_zot`, docs/signing.md);
// discovery is asked once per command, so a registry without it (zot itself, CNCF distribution, trust off)
// costs one request, not one 404 per image. Where the answer is missing, zli falls back to "signed"
// from tags and referrers alone (image-summary.ts), as zot's zli does.

import { type RegistryFailure, registryFailureOf } from '../registry/failure.js';
import { SIGNATURES_ENDPOINT, type SignatureVerification } from '../registry/zot-extensions.js';
import type { ZotRegistry } from '../registry/zot-registry.js';

/** What json/yaml show of one signature: enough to tell which key vouched, or why none did. */
export interface SignatureTrust {
  manifestDigest: string;
  kind: string;
  status: string;
  keyFingerprint?: string;
  signer?: string;
  reason?: string;
}

/** Resolves to undefined when the registry cannot say (no endpoint, or this one answer failed). */
export type TrustLookup = (repository: string, digest: string) => Promise<SignatureVerification | undefined>;

/** Errors after which an image is shown without trust instead of failing the whole listing. */
const FALLBACK_FAILURES: ReadonlySet<RegistryFailure | undefined> = new Set([
  'NOT_FOUND',
  'DENIED',
  'UNEXPECTED_STATUS',
  'INVALID_RESPONSE',
] as const);

export function createTrustLookup(client: ZotRegistry): TrustLookup {
  let available: Promise<boolean> | undefined;
  const endpointAvailable = (): Promise<boolean> => {
    available ??= client
      .extensions()
      .then((extensions) => extensions.some((extension) => extension.endpoints.includes(SIGNATURES_ENDPOINT)))
      .catch((error: unknown) => {
        if (FALLBACK_FAILURES.has(registryFailureOf(error))) return false;
        throw error;
      });
    return available;
  };
  return async (repository, digest) => {
    if (!(await endpointAvailable())) return undefined;
    try {
      return await client.signatureVerification(repository, digest);
    } catch (error) {
      if (FALLBACK_FAILURES.has(registryFailureOf(error))) return undefined;
      throw error;
    }
  };
}

/** A lookup for callers that do not want trust (and tests of the fallback). */
export const noTrustLookup: TrustLookup = async () => undefined;

export function signatureTrustOf(verification: SignatureVerification): SignatureTrust[] {
  return verification.signatures.map((signature) => {
    // notation names its signer by certificate subject, keyless cosign by the certificate's SAN
    const signer = signature.signer ?? signature.identity?.subjectAlternativeName;
    return {
      manifestDigest: signature.manifestDigest,
      kind: signature.kind,
      status: signature.status,
      ...(signature.keyFingerprint === undefined ? {} : { keyFingerprint: signature.keyFingerprint }),
      ...(signer === undefined ? {} : { signer }),
      ...(signature.reason === undefined ? {} : { reason: signature.reason }),
    };
  });
}

// What `zli search subject` shows: the referrers of one image (signatures, SBOMs, attestations) and,
// where the registry verifies signatures, the verification status of each signature among them
// (matched by the signature manifest's digest, docs/signing.md "Reading verification results").

import { humanSize, renderTable, shortDigest } from '../cli/output.js';
import type { ImageReference } from '../client/image-reference.js';
import type { RegistryClient } from '../client/registry-client.js';
import { createTrustLookup, type SignatureTrust, signatureTrustOf } from './signature-trust.js';

export interface ReferrerSummary {
  repository: string;
  subject: string;
  artifactType: string;
  digest: string;
  mediaType: string;
  size: number;
  annotations?: Record<string, string>;
  /** The registry's verdict when this referrer is a signature it verified. */
  verification?: Omit<SignatureTrust, 'manifestDigest'>;
}

export async function listReferrers(
  client: RegistryClient,
  reference: ImageReference,
): Promise<ReferrerSummary[]> {
  const subject = reference.isDigest
    ? reference.reference
    : (await client.getManifest(reference.repository, reference.reference)).digest;
  const [descriptors, verification] = await Promise.all([
    client.referrers(reference.repository, subject),
    createTrustLookup(client)(reference.repository, subject),
  ]);
  const verdicts = new Map(
    (verification === undefined ? [] : signatureTrustOf(verification)).map(
      ({ manifestDigest, ...verdict }) => [manifestDigest, verdict] as const,
    ),
  );
  return descriptors.map((descriptor) => {
    const verdict = verdicts.get(descriptor.digest);
    return {
      repository: reference.repository,
      subject,
      artifactType: descriptor.artifactType ?? descriptor.mediaType,
      digest: descriptor.digest,
      mediaType: descriptor.mediaType,
      size: descriptor.size,
      ...(descriptor.annotations === undefined ? {} : { annotations: descriptor.annotations }),
      ...(verdict === undefined ? {} : { verification: verdict }),
    };
  });
}

/** ARTIFACT TYPE, SIZE, DIGEST; plus SIGNATURE (trusted, untrusted, invalid) when any was verified. */
export function formatReferrerTable(referrers: readonly ReferrerSummary[], verbose: boolean): string {
  if (referrers.length === 0) return 'no referrers found\n';
  const showVerification = referrers.some((referrer) => referrer.verification !== undefined);
  const header = ['ARTIFACT TYPE', 'SIZE', 'DIGEST', ...(showVerification ? ['SIGNATURE'] : [])];
  return renderTable(
    header,
    referrers.map((referrer) => [
      referrer.artifactType,
      humanSize(referrer.size),
      verbose ? referrer.digest : shortDigest(referrer.digest),
      ...(showVerification ? [referrer.verification?.status ?? '-'] : []),
    ]),
  );
}

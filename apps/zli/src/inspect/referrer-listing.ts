// What `zli search subject` shows: the referrers of one image (signatures, SBOMs, attestations) and,
// where the registry verifies signatures, the verification status of each signature among them
// (matched by the signature manifest's digest, docs/signing.md "Reading verification results").
// cosign 2 stores signatures by default not as referrers but under a tag named after the image digest
// (`sha256-<hex>.sig`, `.att` for attestations, `.sbom`): those are listed too, with that tag.

import { isRegistryClientError } from '@zot-ts/oci-client';
import { humanSize, renderTable, shortDigest } from '../cli/output.js';
import type { ImageReference } from '../registry/image-reference.js';
import type { Descriptor, ManifestDocument, ZotRegistry } from '../registry/zot-registry.js';
import { createTrustLookup, type SignatureTrust, signatureTrustOf } from './signature-trust.js';

export interface ReferrerSummary {
  repository: string;
  subject: string;
  artifactType: string;
  digest: string;
  mediaType: string;
  size: number;
  annotations?: Record<string, string>;
  /** The cosign legacy tag (`sha256-<hex>.sig`) this one was found under; absent for referrers. */
  tag?: string;
  /** The registry's verdict when this referrer is a signature it verified. */
  verification?: Omit<SignatureTrust, 'manifestDigest'>;
}

export async function listReferrers(
  client: ZotRegistry,
  reference: ImageReference,
): Promise<ReferrerSummary[]> {
  const subject = reference.isDigest
    ? reference.reference
    : (await client.getManifest(reference.repository, reference.reference)).digest;
  const [referrers, legacy, verification] = await Promise.all([
    client.referrers(reference.repository, subject),
    legacyTagged(client, reference.repository, subject),
    createTrustLookup(client)(reference.repository, subject),
  ]);
  const seen = new Set(referrers.map((descriptor) => descriptor.digest));
  const descriptors: Array<Descriptor & { tag?: string }> = [
    ...referrers,
    ...legacy.filter((descriptor) => !seen.has(descriptor.digest)),
  ];
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
      ...(descriptor.tag === undefined ? {} : { tag: descriptor.tag }),
      ...(verdict === undefined ? {} : { verification: verdict }),
    };
  });
}

/** cosign's legacy tag suffixes: signature, attestation, SBOM (cosign 2's default storage). */
const LEGACY_SUFFIXES = ['sig', 'att', 'sbom'] as const;

const IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json';

/** What the legacy manifest holds: cosign writes a plain image config, so the layer's media type says it. */
function artifactTypeOfLegacy(manifest: ManifestDocument): string | undefined {
  if (manifest.artifactType !== undefined) return manifest.artifactType;
  const config = manifest.config?.mediaType;
  if (config !== undefined && config !== IMAGE_CONFIG) return config;
  return manifest.layers?.[0]?.mediaType ?? config;
}

/** The manifests under `sha256-<hex>.sig|.att|.sbom`, as descriptors; a missing tag is the normal case. */
async function legacyTagged(
  client: ZotRegistry,
  repository: string,
  subject: string,
): Promise<Array<Descriptor & { tag: string }>> {
  const found = await Promise.all(
    LEGACY_SUFFIXES.map(async (suffix) => {
      const tag = `${subject.replace(':', '-')}.${suffix}`;
      try {
        const fetched = await client.getManifest(repository, tag);
        const artifactType = artifactTypeOfLegacy(fetched.manifest);
        return {
          mediaType: fetched.mediaType,
          digest: fetched.digest,
          size: fetched.size,
          tag,
          ...(artifactType === undefined ? {} : { artifactType }),
          ...(fetched.manifest.annotations === undefined
            ? {}
            : { annotations: fetched.manifest.annotations }),
        };
      } catch (error) {
        if (isRegistryClientError(error, 'NOT_FOUND')) return undefined;
        throw error;
      }
    }),
  );
  return found.filter((descriptor) => descriptor !== undefined);
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

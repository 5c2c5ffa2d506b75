// What `zli image list|name|digest` shows of one tagged image: digest, platforms, total size,
// last update (the config's `created`), whether it is signed (a cosign `.sig` tag or a signature
// among its referrers) and, where the registry verifies signatures, whether it is trusted.
// Multi-platform indexes are summed over their platform manifests.

import { isIndexMediaType, SIGNATURE_ARTIFACT_TYPES } from '../registry/media-types.js';
import type { Descriptor, FetchedManifest, ManifestDocument, ZotRegistry } from '../registry/zot-registry.js';
import { noTrustLookup, type SignatureTrust, signatureTrustOf, type TrustLookup } from './signature-trust.js';

export interface PlatformImage {
  digest: string;
  platform: string;
  size: number;
  lastUpdated?: string;
}

export interface ImageSummary {
  repository: string;
  tag: string;
  digest: string;
  mediaType: string;
  platforms: string[];
  size: number;
  lastUpdated?: string;
  signed: boolean;
  /** A signature verifies with a key or root the registry trusts; absent when the registry cannot say. */
  trusted?: boolean;
  /** Each signature as the registry verified it; absent when the registry cannot say. */
  signatures?: SignatureTrust[];
  /** The platform manifests of an index. */
  manifests?: PlatformImage[];
}

/** Tags that hold signatures, attestations or referrer indexes (`sha256-<hex>[.sig|.att|.sbom]`): not images to list. */
export function isArtifactTag(tag: string): boolean {
  return /^sha256-[0-9a-f]{64}(\.[a-z]+)?$/.test(tag);
}

function platformText(
  platform: Descriptor['platform'] | { os?: unknown; architecture?: unknown; variant?: unknown },
): string {
  if (platform === undefined || typeof platform.os !== 'string' || typeof platform.architecture !== 'string')
    return '';
  return [
    platform.os,
    platform.architecture,
    typeof platform.variant === 'string' ? platform.variant : undefined,
  ]
    .filter((part) => part !== undefined && part !== '')
    .join('/');
}

function sizeOf(document: ManifestDocument, manifestBytes: number): number {
  return (
    manifestBytes +
    (document.config?.size ?? 0) +
    (document.layers ?? []).reduce((total, layer) => total + layer.size, 0)
  );
}

/** One platform image: its config gives the platform and creation time (artifacts have neither). */
async function describePlatformImage(
  client: ZotRegistry,
  repository: string,
  fetched: FetchedManifest,
  declared?: Descriptor['platform'],
): Promise<PlatformImage> {
  const config = fetched.manifest.config;
  let platform = platformText(declared);
  let lastUpdated: string | undefined;
  if (config !== undefined && /image\.config|container\.image/.test(config.mediaType)) {
    const blob = await client.getConfigBlob(repository, config.digest).catch(() => undefined);
    if (blob !== undefined) {
      if (platform === '')
        platform = platformText(blob as { os?: unknown; architecture?: unknown; variant?: unknown });
      if (typeof blob.created === 'string') lastUpdated = blob.created;
    }
  }
  return {
    digest: fetched.digest,
    platform,
    size: sizeOf(fetched.manifest, fetched.size),
    ...(lastUpdated === undefined ? {} : { lastUpdated }),
  };
}

async function isSigned(
  client: ZotRegistry,
  repository: string,
  digest: string,
  tags: ReadonlySet<string>,
): Promise<boolean> {
  if (tags.has(`${digest.replace(':', '-')}.sig`)) return true;
  const referrers = await client.referrers(repository, digest).catch(() => []);
  return referrers.some(
    (referrer) =>
      referrer.artifactType !== undefined && SIGNATURE_ARTIFACT_TYPES.includes(referrer.artifactType),
  );
}

function latest(dates: readonly (string | undefined)[]): string | undefined {
  return dates
    .filter((date): date is string => date !== undefined)
    .sort()
    .at(-1);
}

export async function summarizeImage(
  client: ZotRegistry,
  repository: string,
  tag: string,
  fetched: FetchedManifest,
  tagsOfRepository: ReadonlySet<string>,
  trust: TrustLookup = noTrustLookup,
): Promise<ImageSummary> {
  const [signedByTags, verification] = await Promise.all([
    isSigned(client, repository, fetched.digest, tagsOfRepository),
    trust(repository, fetched.digest),
  ]);
  const base = {
    repository,
    tag,
    digest: fetched.digest,
    mediaType: fetched.mediaType,
    // the registry's verifier also sees signatures zli does not look for (e.g. .att attestations)
    signed: signedByTags || verification?.signed === true,
    ...(verification === undefined
      ? {}
      : { trusted: verification.trusted, signatures: signatureTrustOf(verification) }),
  };
  if (!isIndexMediaType(fetched.mediaType)) {
    const image = await describePlatformImage(client, repository, fetched);
    return {
      ...base,
      platforms: image.platform === '' ? [] : [image.platform],
      size: image.size,
      ...(image.lastUpdated === undefined ? {} : { lastUpdated: image.lastUpdated }),
    };
  }
  const manifests = await Promise.all(
    (fetched.manifest.manifests ?? []).map(async (child) =>
      describePlatformImage(
        client,
        repository,
        await client.getManifest(repository, child.digest),
        child.platform,
      ),
    ),
  );
  const lastUpdated = latest(manifests.map((image) => image.lastUpdated));
  return {
    ...base,
    platforms: manifests.map((image) => image.platform).filter((platform) => platform !== ''),
    size: fetched.size + manifests.reduce((total, image) => total + image.size, 0),
    ...(lastUpdated === undefined ? {} : { lastUpdated }),
    manifests,
  };
}

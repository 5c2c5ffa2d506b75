// `zli image list|name|digest` over zot's search API, as zot v2.1.17's zli does (image_sub_cmd.go): when
// the registry announces search and its schema holds ImageList (ImageListForDigest for `digest`), one
// GraphQL query answers what the distribution API needs a walk of every repository and tag for
// (search_functions.go SearchAllImagesGQL, SearchImageByNameGQL, SearchImagesForDigestGQL). When it does
// not, the caller walks the registry (image-listing.ts), as zot's zli falls back to SearchAllImages.
// The rows are the same either way: artifact tags are left out, the order is repository then tag, and
// where the registry verifies signatures the TRUSTED column is filled from the same endpoint.

import { type GqlQuerySpec, runSearchQuery, searchSupport } from '../registry/search-api.js';
import type { ZotRegistry } from '../registry/zot-registry.js';
import { type ImageSummary, isArtifactTag } from './image-summary.js';
import { mapWithLimit } from './pool.js';
import { type GqlImage, imageListForDigestQuery, imageListQuery, imageSummaryOf } from './search-results.js';
import { createTrustLookup, signatureTrustOf } from './signature-trust.js';

const PARALLEL_REQUESTS = 8;

/** zot's CheckExtEndPointQuery as a yes/no: any failure to confirm the query means "use the fallback". */
export async function canSearch(client: ZotRegistry, spec: GqlQuerySpec): Promise<boolean> {
  try {
    return (await searchSupport(client, spec)).ok;
  } catch {
    // a registry without discovery or with a broken schema answer is one zot's zli falls back on too
    return false;
  }
}

const byName = (left: ImageSummary, right: ImageSummary): number =>
  left.repository === right.repository
    ? left.tag < right.tag
      ? -1
      : left.tag > right.tag
        ? 1
        : 0
    : left.repository < right.repository
      ? -1
      : 1;

/** GraphQL images as the listing rows, with trust where the registry verifies signatures. */
async function rowsOf(client: ZotRegistry, images: readonly GqlImage[]): Promise<ImageSummary[]> {
  const summaries = images
    .map(imageSummaryOf)
    .filter((image) => !isArtifactTag(image.tag))
    .sort(byName);
  const trust = createTrustLookup(client);
  return mapWithLimit(summaries, PARALLEL_REQUESTS, async (image) => {
    const verification = await trust(image.repository, image.digest);
    if (verification === undefined) return image;
    const { repository, tag, digest, mediaType, signed, ...rest } = image;
    return {
      repository,
      tag,
      digest,
      mediaType,
      signed: signed || verification.signed,
      trusted: verification.trusted,
      signatures: signatureTrustOf(verification),
      ...rest,
    };
  });
}

async function imageList(client: ZotRegistry, repository: string): Promise<GqlImage[]> {
  const data = await runSearchQuery<{ ImageList?: { Results?: GqlImage[] } }>(
    client,
    imageListQuery(repository, 'alpha-asc'),
  );
  return data.ImageList?.Results ?? [];
}

/** Every image, or those of `repositories`: ImageList with an empty repo, or one ImageList per repository. */
export async function searchImages(
  client: ZotRegistry,
  repositories?: readonly string[],
): Promise<ImageSummary[]> {
  const chosen = repositories === undefined || repositories.length === 0 ? [''] : [...new Set(repositories)];
  const images = await mapWithLimit(chosen, PARALLEL_REQUESTS, (repository) => imageList(client, repository));
  return rowsOf(client, images.flat());
}

/** zot's SearchImageByNameGQL: ImageList of the repository, kept to the tag. */
export async function searchImageByName(
  client: ZotRegistry,
  repository: string,
  tag: string,
): Promise<ImageSummary[]> {
  const images = await imageList(client, repository);
  return rowsOf(
    client,
    images.filter((image) => tag === '' || image.Tag === tag),
  );
}

/** zot's SearchImagesForDigestGQL: ImageListForDigest, a manifest, config or layer digest (or part of one). */
export async function searchImagesByDigest(client: ZotRegistry, digest: string): Promise<ImageSummary[]> {
  const data = await runSearchQuery<{ ImageListForDigest?: { Results?: GqlImage[] } }>(
    client,
    imageListForDigestQuery(digest, 'alpha-asc'),
  );
  return rowsOf(client, data.ImageListForDigest?.Results ?? []);
}

// The image queries (zot resolver.go): ImageList, ImageListForDigest, Image, DerivedImageList, BaseImageList, and
// the image targets of GlobalSearch ("repo:tag", ":tag", "sha256:..."). All read through the request's scope.
import type { ImageMeta, RepoMeta } from '@zot-ts/metastore';
import { GraphQLError } from 'graphql';
import type { ImageSummary, Paginated } from './gql-types.js';
import { imageSummaryOf, type TaggedImage } from './image-summary.js';
import { layersOf } from './oci-json.js';
import {
  type FilterInput,
  type PageInput,
  pageOf,
  pageRequestOf,
  platformsAccepted,
  type SortCriteria,
} from './paging.js';
import type { SearchScope } from './scope.js';
import { type AcceptImage, type AcceptTag, acceptAll, filterTags } from './tagged-images.js';

/** zot's PaginatedFullImageMeta2ImageSummaries: summaries, filter (signed, platforms), sort, page. */
export function paginateImages(
  tagged: TaggedImage[],
  filter: FilterInput,
  requestedPage: PageInput | null | undefined,
  defaultSort: SortCriteria,
): Paginated<ImageSummary> {
  const request = pageRequestOf(requestedPage, defaultSort);
  const summaries: ImageSummary[] = [];
  for (const entry of tagged) {
    const summary = imageSummaryOf(entry);
    if (summary === undefined) continue;
    if (filter.HasToBeSigned === true && !summary.IsSigned) continue;
    if (
      !platformsAccepted(
        summary.Manifests.map((m) => m.Platform),
        filter,
      )
    )
      continue;
    summaries.push(summary);
  }
  const page = pageOf(summaries, request, 'images', (s) => ({
    name: s.RepoName,
    tag: s.Tag,
    lastUpdatedMs: s.lastUpdatedMs,
    downloads: s.DownloadCount,
    rank: 0,
  }));
  return { Page: page.info, Results: page.items };
}

async function imagesWhere(
  scope: SearchScope,
  acceptTag: AcceptTag,
  acceptImage: AcceptImage,
  filter: FilterInput,
  requestedPage: PageInput | null | undefined,
  defaultSort: SortCriteria,
): Promise<Paginated<ImageSummary>> {
  const tagged = await filterTags(scope, await scope.readableRepos(), acceptTag, acceptImage);
  return paginateImages(tagged, filter, requestedPage, defaultSort);
}

/** zot's FilterByDigest: the index digest, or (as a substring) a manifest, config or layer digest. */
export function matchesDigest(digest: string): AcceptImage {
  return (_repo: RepoMeta, image: ImageMeta) => {
    if (image.digest === digest) return true;
    const manifest = image.manifests[0];
    if (manifest === undefined) return false;
    if (manifest.digest.includes(digest)) return true;
    const config = manifest.manifest.config as { digest?: unknown } | undefined;
    if (typeof config?.digest === 'string' && config.digest.includes(digest)) return true;
    return layersOf(manifest.manifest).some((layer) => layer.digest.includes(digest));
  };
}

export function imageList(scope: SearchScope, repo: string, page: PageInput | null | undefined) {
  const acceptTag: AcceptTag = repo === '' ? acceptAll : (name) => name === repo;
  return imagesWhere(scope, acceptTag, acceptAll, {}, page, 'RELEVANCE');
}

export function imageListForDigest(scope: SearchScope, digest: string, page: PageInput | null | undefined) {
  return imagesWhere(scope, acceptAll, matchesDigest(digest), {}, page, 'RELEVANCE');
}

/** zot's GetImageDirAndTag: the part before the first ':' is the repository. */
export function splitImageName(image: string): { repo: string; tag: string } {
  const colon = image.indexOf(':');
  return colon < 0 ? { repo: image, tag: '' } : { repo: image.slice(0, colon), tag: image.slice(colon + 1) };
}

/** zot's getImageSummary: the image a tag points at (or, given `digest`, that manifest of the tag's index). */
export async function imageByTag(
  scope: SearchScope,
  repoName: string,
  tag: string,
  digest?: string | null,
): Promise<ImageSummary | undefined> {
  const repo = await scope.repo(repoName);
  if (repo === undefined) throw new GraphQLError('repo metadata not found for given repo name');
  const descriptor = repo.tags[tag];
  if (descriptor === undefined) throw new GraphQLError(`can't find image: ${repoName}:${tag}`);
  const imageDigest = digest ?? descriptor.digest;
  const image = (await scope.repos.getImageMetas([imageDigest])).get(imageDigest);
  if (image === undefined) return undefined;
  return imageSummaryOf({ repo, tag, image });
}

export async function image(scope: SearchScope, name: string): Promise<ImageSummary> {
  const { repo, tag } = splitImageName(name);
  if (tag === '') throw new GraphQLError('no reference provided');
  // zot answers an empty ImageSummary when the tag's image has no metadata
  return (await imageByTag(scope, repo, tag)) ?? ({} as ImageSummary);
}

/** True when `base` (a list of layer digests) is a non-empty prefix of `derived`. */
const isLayerPrefix = (base: string[], derived: string[]) =>
  base.length > 0 && base.length <= derived.length && base.every((digest, i) => derived[i] === digest);

async function relatedImages(
  scope: SearchScope,
  name: string,
  digest: string | null | undefined,
  page: PageInput | null | undefined,
  relation: 'derived' | 'base',
): Promise<Paginated<ImageSummary>> {
  const { repo, tag } = splitImageName(name);
  if (tag === '') throw new GraphQLError('no reference provided');
  let searched: ImageSummary | undefined;
  try {
    searched = await imageByTag(scope, repo, tag, digest);
  } catch (error) {
    if (error instanceof GraphQLError && error.message.startsWith('repo metadata not found'))
      throw new GraphQLError('repository not found');
    throw error;
  }
  const searchedManifests = (searched?.Manifests ?? []).map((m) => ({
    digest: m.Digest,
    layers: m.Layers.map((layer) => layer.Digest),
  }));
  const accept: AcceptImage = (_repo, candidate) => {
    const manifest = candidate.manifests[0];
    if (manifest === undefined) return false;
    const layers = layersOf(manifest.manifest).map((layer) => layer.digest);
    return searchedManifests.some((other) => {
      if (other.digest === manifest.digest) return false;
      return relation === 'derived'
        ? isLayerPrefix(other.layers, layers)
        : isLayerPrefix(layers, other.layers);
    });
  };
  return imagesWhere(scope, acceptAll, accept, {}, page, 'UPDATE_TIME');
}

export const derivedImageList = (
  scope: SearchScope,
  image: string,
  digest: string | null | undefined,
  page: PageInput | null | undefined,
) => relatedImages(scope, image, digest, page, 'derived');

export const baseImageList = (
  scope: SearchScope,
  image: string,
  digest: string | null | undefined,
  page: PageInput | null | undefined,
) => relatedImages(scope, image, digest, page, 'base');

/** GlobalSearch "repo:tag": the tags of exactly that repository that start with the tag part (zot's SearchTags). */
export async function searchTagsOfRepo(
  scope: SearchScope,
  query: string,
  filter: FilterInput,
  page: PageInput | null | undefined,
) {
  const parts = query.split(':');
  if (parts.length !== 2)
    throw new GraphQLError('invalid image reference format, use [repo:tag] or [repo@digest]');
  const repoName = (parts[0] ?? '').trim();
  const tagPrefix = (parts[1] ?? '').trim();
  const repo = await scope.repo(repoName);
  const tagged =
    repo === undefined
      ? []
      : await filterTags(scope, [repo], (_r, tag) => tag.startsWith(tagPrefix), acceptAll);
  return paginateImages(tagged, filter, page, 'RELEVANCE');
}

/** GlobalSearch ":tag": every tag that contains the text, in every readable repository. */
export function searchTagsEverywhere(
  scope: SearchScope,
  text: string,
  filter: FilterInput,
  page: PageInput | null | undefined,
) {
  return imagesWhere(
    scope,
    (_r, tag) => tag.toLowerCase().includes(text),
    acceptAll,
    filter,
    page,
    'RELEVANCE',
  );
}

export function searchDigest(
  scope: SearchScope,
  digest: string,
  filter: FilterInput,
  page: PageInput | null | undefined,
) {
  return imagesWhere(scope, acceptAll, matchesDigest(digest), filter, page, 'RELEVANCE');
}

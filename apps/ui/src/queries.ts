// The GraphQL documents the pages send (zot's schema, packages/search/src/schema.graphql) and the shapes they
// read back. Only fields a page shows are asked for.
import { graphql, request } from './api.js';

export interface Platform {
  Os: string | null;
  Arch: string | null;
}
export interface SignatureSummary {
  Tool: string | null;
  IsTrusted: boolean | null;
  Author: string | null;
}
export interface Referrer {
  MediaType: string | null;
  ArtifactType: string | null;
  Size: number | null;
  Digest: string | null;
  Annotations: Array<{ Key: string | null; Value: string | null }>;
}
export interface ManifestSummary {
  Digest: string | null;
  ConfigDigest: string | null;
  LastUpdated: string | null;
  Size: string | null;
  IsSigned: boolean | null;
  SignatureInfo: SignatureSummary[] | null;
  Platform: Platform | null;
  DownloadCount: number | null;
  Layers?: Array<{ Size: string | null; Digest: string | null }> | null;
  History?: Array<{
    Layer: { Size: string | null; Digest: string | null } | null;
    HistoryDescription: {
      Created: string | null;
      CreatedBy: string | null;
      Comment: string | null;
      EmptyLayer: boolean | null;
    } | null;
  }> | null;
  Referrers?: Referrer[] | null;
  ArtifactType?: string | null;
}
export interface ImageSummary {
  RepoName: string | null;
  Tag: string | null;
  Digest: string | null;
  MediaType: string | null;
  Manifests: ManifestSummary[] | null;
  Size: string | null;
  DownloadCount: number | null;
  LastPullTimestamp: string | null;
  PushTimestamp: string | null;
  PushedBy?: string | null;
  LastUpdated: string | null;
  Description: string | null;
  IsSigned: boolean | null;
  SignatureInfo: SignatureSummary[] | null;
  Licenses?: string | null;
  Title?: string | null;
  Source?: string | null;
  Documentation?: string | null;
  Vendor?: string | null;
  Authors?: string | null;
  Labels?: string | null;
  Referrers?: Referrer[] | null;
}
export interface RepoSummary {
  Name: string;
  LastUpdated: string | null;
  Size: string | null;
  Platforms: Platform[] | null;
  Vendors: Array<string | null> | null;
  NewestImage: ImageSummary | null;
  DownloadCount: number | null;
  StarCount: number | null;
  IsBookmarked: boolean | null;
  IsStarred: boolean | null;
}
export interface PageInfo {
  TotalCount: number;
  ItemCount: number;
}

const SIGNATURE = 'SignatureInfo { Tool IsTrusted Author }';
const MANIFEST_BRIEF = `Digest ConfigDigest LastUpdated Size IsSigned ${SIGNATURE} Platform { Os Arch } DownloadCount`;
const IMAGE_BRIEF = `RepoName Tag Digest MediaType Size DownloadCount LastPullTimestamp PushTimestamp LastUpdated
  Description IsSigned ${SIGNATURE} Manifests { ${MANIFEST_BRIEF} }`;
const REPO_SUMMARY = `Name LastUpdated Size Platforms { Os Arch } Vendors DownloadCount StarCount IsBookmarked
  IsStarred NewestImage { ${IMAGE_BRIEF} }`;

export interface SearchFilter {
  Os?: string[];
  Arch?: string[];
  HasToBeSigned?: boolean;
  IsStarred?: boolean;
  IsBookmarked?: boolean;
}
export type SortCriteria =
  | 'RELEVANCE'
  | 'UPDATE_TIME'
  | 'ALPHABETIC_ASC'
  | 'ALPHABETIC_DSC'
  | 'STARS'
  | 'DOWNLOADS';

export async function searchRepos(input: {
  query: string;
  filter: SearchFilter;
  limit: number;
  offset: number;
  sortBy: SortCriteria;
}): Promise<{ Page: PageInfo; Repos: RepoSummary[] }> {
  const data = await graphql<{ GlobalSearch: { Page: PageInfo; Repos: RepoSummary[] | null } }>(
    `query Explore($query: String!, $filter: Filter, $page: PageInput) {
      GlobalSearch(query: $query, filter: $filter, requestedPage: $page) {
        Page { TotalCount ItemCount } Repos { ${REPO_SUMMARY} } } }`,
    {
      query: input.query,
      filter: input.filter,
      page: { limit: input.limit, offset: input.offset, sortBy: input.sortBy },
    },
  );
  return { Page: data.GlobalSearch.Page, Repos: data.GlobalSearch.Repos ?? [] };
}

export interface Suggestion {
  repos: string[];
  images: Array<{ repo: string; tag: string }>;
}

/** GlobalSearch for the search box: repository names, or "repo:tag" tags. */
export async function suggest(text: string): Promise<Suggestion> {
  const data = await graphql<{
    GlobalSearch: {
      Repos: Array<{ Name: string }> | null;
      Images: Array<{ RepoName: string; Tag: string }> | null;
    };
  }>(
    `query Suggest($query: String!) { GlobalSearch(query: $query, requestedPage: {limit: 8, offset: 0, sortBy: RELEVANCE}) {
      Repos { Name } Images { RepoName Tag } } }`,
    { query: text },
  );
  return {
    repos: (data.GlobalSearch.Repos ?? []).map((r) => r.Name),
    images: (data.GlobalSearch.Images ?? []).map((i) => ({ repo: i.RepoName, tag: i.Tag })),
  };
}

export async function expandedRepoInfo(
  repo: string,
): Promise<{ Summary: RepoSummary; Images: ImageSummary[] }> {
  // the tag list answers 403 with the policy's reason where search would only leave the repository out
  await request(`/v2/${repo}/tags/list?n=1`).then((r) => r.body?.cancel());
  const data = await graphql<{ ExpandedRepoInfo: { Summary: RepoSummary; Images: ImageSummary[] | null } }>(
    `query Repo($repo: String!) { ExpandedRepoInfo(repo: $repo) {
      Summary { ${REPO_SUMMARY} }
      Images { ${IMAGE_BRIEF} Title Source Documentation Vendor Authors Licenses Labels } } }`,
    { repo },
  );
  return { Summary: data.ExpandedRepoInfo.Summary, Images: data.ExpandedRepoInfo.Images ?? [] };
}

export interface ImageDetails {
  image: ImageSummary;
  derived: ImageSummary[];
  base: ImageSummary[];
}

export async function imageDetails(
  repo: string,
  tag: string,
  digest: string | undefined,
): Promise<ImageDetails> {
  await request(`/v2/${repo}/tags/list?n=1`).then((r) => r.body?.cancel());
  const reference = `${repo}:${tag}`;
  const data = await graphql<{
    Image: ImageSummary;
    DerivedImageList: { Results: ImageSummary[] };
    BaseImageList: { Results: ImageSummary[] };
  }>(
    `query Image($image: String!, $digest: String) {
      Image(image: $image) { ${IMAGE_BRIEF} PushedBy Title Source Documentation Vendor Authors Licenses Labels
        Referrers { MediaType ArtifactType Size Digest Annotations { Key Value } }
        Manifests { ${MANIFEST_BRIEF} ArtifactType Layers { Size Digest }
          History { Layer { Size Digest } HistoryDescription { Created CreatedBy Comment EmptyLayer } }
          Referrers { MediaType ArtifactType Size Digest Annotations { Key Value } } } }
      DerivedImageList(image: $image, digest: $digest, requestedPage: {limit: 20, offset: 0, sortBy: ALPHABETIC_ASC}) {
        Results { RepoName Tag Digest LastUpdated } }
      BaseImageList(image: $image, digest: $digest, requestedPage: {limit: 20, offset: 0, sortBy: ALPHABETIC_ASC}) {
        Results { RepoName Tag Digest LastUpdated } } }`,
    { image: reference, digest: digest ?? null },
  );
  return {
    image: data.Image,
    derived: data.DerivedImageList?.Results ?? [],
    base: data.BaseImageList?.Results ?? [],
  };
}

/** zot's userprefs endpoint: toggles a star or a bookmark of the caller on `repo`. */
export async function toggleUserPref(action: 'toggleStar' | 'toggleBookmark', repo: string): Promise<void> {
  const query = new URLSearchParams({ action, repo });
  const response = await request(`/v2/_zot/ext/userprefs?${query.toString()}`, { method: 'PUT' });
  await response.body?.cancel();
}

/** The raw manifest and config JSON of one image manifest, as the registry stores them. */
export async function rawManifestAndConfig(
  repo: string,
  digest: string,
  configDigest: string | null,
): Promise<{ manifest: string; config: string | undefined }> {
  const accept = [
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
  ].join(', ');
  const manifest = await (
    await request(`/v2/${repo}/manifests/${digest}`, { headers: { Accept: accept } })
  ).text();
  if (configDigest === null || configDigest === '') return { manifest, config: undefined };
  const config = await (await request(`/v2/${repo}/blobs/${configDigest}`)).text();
  return { manifest, config: config.length > 256 * 1024 ? `${config.slice(0, 256 * 1024)}\n…` : config };
}

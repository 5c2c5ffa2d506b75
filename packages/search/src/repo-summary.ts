// A repository as zot's RepoSummary (convert/metadb.go RepoMeta2RepoSummary) and zot's rank of a name match
// (pkg/meta/common RankRepoName). Sorting and filtering need only the RepoMeta, so a page of repositories reads
// the images of its own newest images only.
import type { ImageMeta, RepoMeta } from '@zot-ts/metastore';
import type { Platform, RepoSummary } from './gql-types.js';
import { imageSummaryOf } from './image-summary.js';
import { formatTime } from './time.js';

/** zot's RepoSummary.LastUpdated: the newest of the last updated image's time and every tag's time. */
export function repoLastUpdatedMs(repo: RepoMeta): number {
  let newest = repo.lastUpdated?.at.getTime() ?? 0;
  for (const descriptor of Object.values(repo.tags)) {
    const at = descriptor.taggedAt.getTime();
    if (at > newest) newest = at;
  }
  return newest;
}

export function repoPlatforms(repo: RepoMeta): Platform[] {
  return repo.platforms.map((p) => ({
    Os: p.os,
    Arch: p.architecture !== '' && p.variant ? `${p.architecture}/${p.variant}` : p.architecture,
  }));
}

/** Whether the repository's newest image has a signature (the HasToBeSigned filter on repositories). */
export function newestImageIsSigned(repo: RepoMeta): boolean {
  const digest = repo.lastUpdated?.digest;
  const signatures = digest === undefined ? undefined : repo.signatures[digest];
  return signatures !== undefined && Object.values(signatures).some((list) => (list?.length ?? 0) > 0);
}

export interface RepoUserState {
  isStarred: boolean;
  isBookmarked: boolean;
  rank: number;
}

export function repoSummaryOf(
  repo: RepoMeta,
  newestImage: ImageMeta | undefined,
  user: RepoUserState,
): RepoSummary {
  const lastUpdatedMs = repoLastUpdatedMs(repo);
  const newestTag = repo.lastUpdated?.tag ?? '';
  const newest =
    newestImage === undefined ? undefined : imageSummaryOf({ repo, tag: newestTag, image: newestImage });
  return {
    Name: repo.name,
    LastUpdated: formatTime(lastUpdatedMs === 0 ? undefined : new Date(lastUpdatedMs)),
    Size: String(repo.size),
    Platforms: repoPlatforms(repo),
    Vendors: [...repo.vendors],
    NewestImage: newest ?? null,
    DownloadCount: repo.downloadCount,
    StarCount: repo.starCount,
    IsBookmarked: user.isBookmarked,
    IsStarred: user.isStarred,
    Rank: user.rank,
  };
}

const LOW = 100;
const MEDIUM = 10;
const HIGH = 1;

/**
 * zot's RankRepoName: how well `searchText` matches `repoName`, lower is better, -1 for no match. An exact match
 * is 0; a match in the last path component ranks by its position, then the first component, then a prefix of
 * the path, then anywhere in it.
 */
export function rankRepoName(searchText: string, repoName: string): number {
  const text = searchText.replace(/^\/+|\/+$/g, '');
  const textParts = text.split('/');
  const nameParts = repoName.split('/');
  if (textParts.length > nameParts.length) return -1;
  if (text === repoName) return 0;
  const lastName = nameParts[nameParts.length - 1] ?? '';
  if (textParts.length === 1) {
    const inLast = lastName.indexOf(text);
    if (inLast !== -1) return (inLast + 1) * HIGH;
    const inFirst = (nameParts[0] ?? '').indexOf(text);
    if (inFirst !== -1) return (inFirst + 1) * MEDIUM;
  }
  let prefixMatches = true;
  for (let i = 0; i < textParts.length - 1; i++) {
    if (textParts[i] !== nameParts[i]) {
      prefixMatches = false;
      break;
    }
  }
  if (prefixMatches) {
    const index = lastName.indexOf(textParts[textParts.length - 1] ?? '');
    if (index !== -1) return (index + 1) * HIGH;
  }
  if (repoName.startsWith(text)) return MEDIUM;
  const anywhere = repoName.indexOf(text);
  return anywhere !== -1 ? (anywhere + 1) * LOW : -1;
}

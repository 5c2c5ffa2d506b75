// The repository queries (zot resolver.go): RepoListWithNewestImage, GlobalSearch over names, StarredRepos,
// BookmarkedRepos, ExpandedRepoInfo, Referrers.
import type { RepoMeta } from '@zot-ts/metastore';
import { GraphQLError } from 'graphql';
import type { ImageSummary, Paginated, Referrer, RepoSummary } from './gql-types.js';
import { imageSummaryOf, referrersOf } from './image-summary.js';
import {
  type FilterInput,
  type PageInput,
  pageOf,
  pageRequestOf,
  platformsAccepted,
  type SortCriteria,
} from './paging.js';
import {
  newestImageIsSigned,
  rankRepoName,
  repoLastUpdatedMs,
  repoPlatforms,
  repoSummaryOf,
} from './repo-summary.js';
import type { SearchScope } from './scope.js';

interface RepoCandidate {
  repo: RepoMeta;
  rank: number;
  isStarred: boolean;
  isBookmarked: boolean;
}

/**
 * zot's PaginatedRepoMeta2RepoSummaries, in two steps: filter and sort on what RepoMeta holds, then build the
 * summaries of the page alone, with the newest images read in one batch.
 */
async function paginateRepos(
  scope: SearchScope,
  candidates: RepoCandidate[],
  filter: FilterInput,
  requestedPage: PageInput | null | undefined,
  defaultSort: SortCriteria,
): Promise<Paginated<RepoSummary>> {
  const request = pageRequestOf(requestedPage, defaultSort);
  const accepted = candidates.filter(
    (c) =>
      (filter.HasToBeSigned !== true || newestImageIsSigned(c.repo)) &&
      (typeof filter.IsBookmarked !== 'boolean' || filter.IsBookmarked === c.isBookmarked) &&
      (typeof filter.IsStarred !== 'boolean' || filter.IsStarred === c.isStarred) &&
      platformsAccepted(repoPlatforms(c.repo), filter),
  );
  const page = pageOf(accepted, request, 'repos', (c) => ({
    name: c.repo.name,
    tag: '',
    lastUpdatedMs: repoLastUpdatedMs(c.repo),
    downloads: c.repo.downloadCount,
    rank: c.rank,
  }));
  const digests = page.items.flatMap((c) => (c.repo.lastUpdated ? [c.repo.lastUpdated.digest] : []));
  const images = await scope.repos.getImageMetas([...new Set(digests)]);
  const results = page.items.map((c) =>
    repoSummaryOf(c.repo, c.repo.lastUpdated ? images.get(c.repo.lastUpdated.digest) : undefined, c),
  );
  return { Page: page.info, Results: results };
}

/** zot's SearchRepos: readable repositories with at least one tag whose name matches, with their rank. */
async function searchRepos(scope: SearchScope, text: string): Promise<RepoCandidate[]> {
  const [repos, starred, bookmarked] = await Promise.all([
    scope.readableRepos(),
    scope.starred(),
    scope.bookmarked(),
  ]);
  const out: RepoCandidate[] = [];
  for (const repo of repos) {
    const rank = rankRepoName(text, repo.name);
    if (rank === -1 || !Object.keys(repo.tags).some((tag) => tag !== '')) continue;
    out.push({ repo, rank, isStarred: starred.has(repo.name), isBookmarked: bookmarked.has(repo.name) });
  }
  return out;
}

export async function repoListWithNewestImage(scope: SearchScope, page: PageInput | null | undefined) {
  pageRequestOf(page, 'UPDATE_TIME'); // refuse a bad page before reading anything
  return paginateRepos(scope, await searchRepos(scope, ''), {}, page, 'UPDATE_TIME');
}

export async function searchRepoNames(
  scope: SearchScope,
  text: string,
  filter: FilterInput,
  page: PageInput | null | undefined,
) {
  pageRequestOf(page, 'RELEVANCE');
  return paginateRepos(scope, await searchRepos(scope, text), filter, page, 'RELEVANCE');
}

/** StarredRepos / BookmarkedRepos: zot's FilterRepos by name, untagged repositories included. */
export async function reposOfUser(
  scope: SearchScope,
  which: 'starred' | 'bookmarked',
  page: PageInput | null | undefined,
) {
  pageRequestOf(page, 'UPDATE_TIME');
  const [starred, bookmarked] = await Promise.all([scope.starred(), scope.bookmarked()]);
  const names = which === 'starred' ? starred : bookmarked;
  const candidates: RepoCandidate[] = [];
  if (names.size > 0) {
    for (const repo of await scope.readableRepos()) {
      if (!names.has(repo.name)) continue;
      candidates.push({
        repo,
        rank: 0,
        isStarred: starred.has(repo.name),
        isBookmarked: bookmarked.has(repo.name),
      });
    }
  }
  return paginateRepos(scope, candidates, {}, page, 'UPDATE_TIME');
}

export interface RepoInfo {
  Images?: ImageSummary[];
  Summary?: RepoSummary;
}

/** zot's expandedRepoInfo: every tag's image (newest first) and the repository summary; nothing if unreadable. */
export async function expandedRepoInfo(scope: SearchScope, name: string): Promise<RepoInfo> {
  if (!scope.canRead(name)) return {}; // zot: no details for a caller who may not read it
  const repo = await scope.repos.getRepoMeta(name);
  if (repo === undefined) throw new GraphQLError('repo metadata not found for given repo name');
  const tags = Object.entries(repo.tags).filter(([tag]) => tag !== '');
  const images = await scope.repos.getImageMetas([...new Set(tags.map(([, d]) => d.digest))]);
  const deletable = scope.canDelete(name);
  const summaries: ImageSummary[] = [];
  for (const [tag, descriptor] of tags) {
    const image = images.get(descriptor.digest);
    const summary = image === undefined ? undefined : imageSummaryOf({ repo, tag, image });
    if (summary === undefined) continue;
    summary.IsDeletable = deletable;
    summaries.push(summary);
  }
  summaries.sort((a, b) =>
    a.lastUpdatedMs <= 0 || b.lastUpdatedMs <= 0
      ? (a.lastUpdatedMs <= 0 ? 1 : 0) - (b.lastUpdatedMs <= 0 ? 1 : 0)
      : b.lastUpdatedMs - a.lastUpdatedMs,
  );
  const [starred, bookmarked] = await Promise.all([scope.starred(), scope.bookmarked()]);
  const newest = repo.lastUpdated === undefined ? undefined : images.get(repo.lastUpdated.digest);
  const summary = repoSummaryOf(repo, newest, {
    isStarred: starred.has(name),
    isBookmarked: bookmarked.has(name),
    rank: 0,
  });
  return { Images: summaries, Summary: summary };
}

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;
const SHA512 = /^sha512:[a-f0-9]{128}$/;

/** zot's getReferrers: the referrers of a digest in a repository, optionally of some artifact types. */
export async function referrers(
  scope: SearchScope,
  repoName: string,
  digest: string,
  types: readonly string[] | null | undefined,
): Promise<Referrer[]> {
  if (
    !DIGEST.test(digest) ||
    (digest.startsWith('sha256:') && !SHA256.test(digest)) ||
    (digest.startsWith('sha512:') && !SHA512.test(digest))
  )
    throw new GraphQLError(`bad digest string from request '${digest}': invalid checksum digest format`);
  const repo = await scope.repo(repoName);
  if (repo === undefined) return [];
  const wanted = types ?? [];
  const seen = new Set<string>();
  return referrersOf(repo, digest).filter((referrer) => {
    if (wanted.length > 0 && !wanted.some((type) => type === '' || type === referrer.ArtifactType))
      return false;
    if (seen.has(referrer.Digest)) return false;
    seen.add(referrer.Digest);
    return true;
  });
}

// The Query resolvers: zot's schema.resolvers.go, over the request's scope. The CVE queries answer with an error
// that says why (no scanner is configured), as zot answers them when its trivy scanner is off.
import { GraphQLError } from 'graphql';
import { globalSearch } from './global-search.js';
import { baseImageList, derivedImageList, image, imageList, imageListForDigest } from './image-queries.js';
import type { FilterInput, PageInput } from './paging.js';
import { expandedRepoInfo, referrers, repoListWithNewestImage, reposOfUser } from './repo-queries.js';
import type { SearchScope } from './scope.js';

export interface ResolverContext {
  scope: SearchScope;
}

type Args = {
  repo: string;
  id: string;
  image: string;
  query: string;
  digest: string;
  type?: string[] | null;
  filter?: FilterInput | null;
  requestedPage?: PageInput | null;
};
type Resolver = (source: unknown, args: Args, context: ResolverContext) => unknown;

/** zot's ErrCVESearchDisabled, with the reason in words. */
export const CVE_DISABLED_MESSAGE =
  'cve search is disabled: no vulnerability scanner is configured (extensions.search.cve is not supported by this registry)';

const cveDisabled: Resolver = () => {
  throw new GraphQLError(CVE_DISABLED_MESSAGE, { extensions: { code: 'CVE_SEARCH_DISABLED' } });
};

export const queryResolvers: Record<string, Resolver> = {
  CVEListForImage: cveDisabled,
  CVEDiffListForImages: cveDisabled,
  ImageListForCVE: cveDisabled,
  ImageListWithCVEFixed: cveDisabled,
  ImageListForDigest: (_s, args, { scope }) => imageListForDigest(scope, args.id, args.requestedPage),
  RepoListWithNewestImage: (_s, args, { scope }) => repoListWithNewestImage(scope, args.requestedPage),
  ImageList: (_s, args, { scope }) => imageList(scope, args.repo, args.requestedPage),
  ExpandedRepoInfo: (_s, args, { scope }) => expandedRepoInfo(scope, args.repo),
  GlobalSearch: (_s, args, { scope }) => globalSearch(scope, args.query, args.filter, args.requestedPage),
  DerivedImageList: (_s, args, { scope }) =>
    derivedImageList(scope, args.image, args.digest, args.requestedPage),
  BaseImageList: (_s, args, { scope }) => baseImageList(scope, args.image, args.digest, args.requestedPage),
  Image: (_s, args, { scope }) => image(scope, args.image),
  Referrers: (_s, args, { scope }) => referrers(scope, args.repo, args.digest, args.type),
  StarredRepos: (_s, args, { scope }) => reposOfUser(scope, 'starred', args.requestedPage),
  BookmarkedRepos: (_s, args, { scope }) => reposOfUser(scope, 'bookmarked', args.requestedPage),
};

// zot's GlobalSearch: the query text picks the target (resolver.go getSearchTarget): a name fragment searches
// repository names; "repo:tag" the tags of one repository by prefix; ":tag" every tag containing the text;
// "sha256:..." images by digest. Inputs are bounded as zot bounds them (256 characters).
import { GraphQLError } from 'graphql';
import type { ImageSummary, PageInfo, RepoSummary } from './gql-types.js';
import { searchDigest, searchTagsEverywhere, searchTagsOfRepo } from './image-queries.js';
import { cleanFilter, type FilterInput, type PageInput } from './paging.js';
import { searchRepoNames } from './repo-queries.js';
import type { SearchScope } from './scope.js';

const QUERY_SIZE_LIMIT = 256;

export interface GlobalSearchResult {
  Page: PageInfo;
  Images: ImageSummary[];
  Repos: RepoSummary[] | null;
  Layers: [];
}

function invalid(message: string): GraphQLError {
  return new GraphQLError(`${message} request parameter has invalid value`);
}

function validate(
  query: string,
  filter: FilterInput | null | undefined,
  page: PageInput | null | undefined,
): void {
  if (query.length > QUERY_SIZE_LIMIT)
    throw invalid(
      `max string size limit exceeded for query parameter. max=${QUERY_SIZE_LIMIT} current=${query.length}`,
    );
  for (const [field, list] of [
    ['arch', filter?.Arch],
    ['os', filter?.Os],
  ] as const) {
    for (const value of list ?? []) {
      if ((value ?? '').length > QUERY_SIZE_LIMIT)
        throw invalid(
          `max string size limit exceeded for ${field} parameter. max=${QUERY_SIZE_LIMIT} current=${(value ?? '').length}`,
        );
    }
  }
  if ((page?.limit ?? 0) < 0) throw invalid("requested page limit parameter can't be negative");
  if ((page?.offset ?? 0) < 0) throw invalid("requested page offset parameter can't be negative");
}

export async function globalSearch(
  scope: SearchScope,
  rawQuery: string,
  rawFilter: FilterInput | null | undefined,
  page: PageInput | null | undefined,
): Promise<GlobalSearchResult> {
  validate(rawQuery, rawFilter, page);
  const query = rawQuery
    .trim()
    .replace(/^\/+|\/+$/g, '')
    .toLowerCase();
  const filter = cleanFilter(rawFilter);
  if (!/[:@]/.test(query)) {
    const repos = await searchRepoNames(scope, query, filter, page);
    return { Page: repos.Page, Repos: repos.Results, Images: [], Layers: [] };
  }
  let images: { Page: PageInfo; Results: ImageSummary[] };
  const colon = query.indexOf(':');
  if (query.startsWith('sha256:')) images = await searchDigest(scope, query, filter, page);
  else if (colon > 0) images = await searchTagsOfRepo(scope, query, filter, page);
  else if (colon === 0 && query.length > 1)
    images = await searchTagsEverywhere(scope, query.slice(1), filter, page);
  else throw new GraphQLError('invalid search query');
  return { Page: images.Page, Images: images.Results, Repos: null, Layers: [] };
}

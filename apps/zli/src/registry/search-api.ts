// zot's GraphQL search API (/v2/_zot/ext/search), asked the way zot's zli asks it (pkg/cli/client:
// discover.go CheckExtEndPointQuery, gql_queries.go): the registry must announce the endpoint in
// `GET /v2/_oci/ext/discover` under `_zot`, and its schema must hold the query with exactly the
// arguments zli sends and the type it returns. Anything else is "not built or not configured".
import type { ZotRegistry } from './zot-registry.js';

export const SEARCH_ENDPOINT = '/v2/_zot/ext/search';

/** A query zli needs: name, argument names in order, and the name of the type it returns (zot's GQLQuery). */
export interface GqlQuerySpec {
  readonly name: string;
  readonly args: readonly string[];
  readonly returnType: string;
}

/** The queries of zot v2.1.17's gql_queries.go that these commands use. */
export const GQL_QUERIES = {
  imageList: { name: 'ImageList', args: ['repo', 'requestedPage'], returnType: 'PaginatedImagesResult' },
  imageListForDigest: {
    name: 'ImageListForDigest',
    args: ['id', 'requestedPage'],
    returnType: 'PaginatedImagesResult',
  },
  baseImageList: {
    name: 'BaseImageList',
    args: ['image', 'digest', 'requestedPage'],
    returnType: 'PaginatedImagesResult',
  },
  derivedImageList: {
    name: 'DerivedImageList',
    args: ['image', 'digest', 'requestedPage'],
    returnType: 'PaginatedImagesResult',
  },
  cveListForImage: {
    name: 'CVEListForImage',
    args: ['image', 'requestedPage', 'searchedCVE', 'excludedCVE', 'severity'],
    returnType: 'CVEResultForImage',
  },
  globalSearch: {
    name: 'GlobalSearch',
    args: ['query', 'filter', 'requestedPage'],
    returnType: 'GlobalSearchResult',
  },
} as const satisfies Record<string, GqlQuerySpec>;

/** zot's zli schema query, as it sends it. */
const SCHEMA_QUERY = `
		{
			__schema {
				queryType {
					fields {
						name
						args {
							name
						}
						type {
							name
							kind
						}
					}
					__typename
				}
				types {
					name
					fields {
						name
					}
				}
			}
		}`;

/** Why a query cannot be asked: the registry has no search at all, or its schema lacks this query. */
export type SearchSupport =
  | { readonly ok: true }
  | { readonly ok: false; readonly missing: 'search' | 'query' };

/** A query the registry answered with GraphQL errors (zot's checkResultGraphQLQuery: their messages, one a line). */
export class SearchQueryError extends Error {
  override readonly name = 'SearchQueryError';
}

interface SchemaAnswer {
  data?: {
    __schema?: {
      queryType?: { fields?: Array<{ name?: string; args?: Array<{ name?: string }> }> };
      types?: Array<{ name?: string }>;
    };
  };
  errors?: Array<{ message?: string }>;
}

/** Runs one query; GraphQL errors in the answer become a SearchQueryError. */
export async function runSearchQuery<T>(client: ZotRegistry, query: string): Promise<T> {
  const answer = (await client.searchQuery(query)) as { data?: T; errors?: Array<{ message?: string }> };
  if (Array.isArray(answer?.errors) && answer.errors.length > 0)
    throw new SearchQueryError(answer.errors.map((error) => String(error.message ?? error)).join('\n'));
  if (answer?.data === undefined || answer.data === null)
    throw new SearchQueryError('the search API answered without data');
  return answer.data;
}

/** Does the registry announce search, and does its schema hold every one of `specs` (zot's CheckExtEndPointQuery)? */
export async function searchSupport(client: ZotRegistry, ...specs: GqlQuerySpec[]): Promise<SearchSupport> {
  const extensions = await client.extensions();
  const announced = extensions.some(
    (extension) => extension.name === '_zot' && extension.endpoints.includes(SEARCH_ENDPOINT),
  );
  if (!announced) return { ok: false, missing: 'search' };
  const answer = (await client.searchQuery(SCHEMA_QUERY)) as SchemaAnswer;
  if (Array.isArray(answer?.errors) && answer.errors.length > 0)
    throw new SearchQueryError(answer.errors.map((error) => String(error.message ?? error)).join('\n'));
  const schema = answer?.data?.__schema;
  const fields = schema?.queryType?.fields ?? [];
  const types = new Set((schema?.types ?? []).map((type) => type.name));
  for (const spec of specs) {
    const field = fields.find(
      (candidate) =>
        candidate.name === spec.name &&
        (candidate.args ?? []).map((arg) => arg.name).join(',') === spec.args.join(','),
    );
    if (field === undefined || !types.has(spec.returnType)) return { ok: false, missing: 'query' };
  }
  return { ok: true };
}

/** zot's Flag2SortCriteria. */
export function sortCriteria(sortBy: string): string {
  const criteria: Record<string, string> = {
    relevance: 'RELEVANCE',
    'update-time': 'UPDATE_TIME',
    'alpha-asc': 'ALPHABETIC_ASC',
    'alpha-dsc': 'ALPHABETIC_DSC',
    severity: 'SEVERITY',
  };
  return criteria[sortBy] ?? 'BAD_SORT_CRITERIA';
}

/** zot's sort options per kind of listing (flags.go). */
export const SORT_OPTIONS = {
  imageList: ['update-time', 'alpha-asc', 'alpha-dsc'],
  imageSearch: ['relevance', 'update-time', 'alpha-asc', 'alpha-dsc'],
  cveList: ['alpha-asc', 'alpha-dsc', 'severity'],
} as const;

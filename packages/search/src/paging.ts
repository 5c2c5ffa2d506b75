// zot's pagination (pagination/image_pagination.go, repo_pagination.go) and filters (convert/utils.go): sort the
// whole candidate list, then slice [offset, offset+limit); a limit of 0 with offset 0 means "everything".
// TotalCount counts every candidate that passed the filter. Sorting by STARS or SEVERITY is refused, as zot does.
import { GraphQLError } from 'graphql';
import type { PageInfo, Platform } from './gql-types.js';

export type SortCriteria =
  | 'RELEVANCE'
  | 'UPDATE_TIME'
  | 'ALPHABETIC_ASC'
  | 'ALPHABETIC_DSC'
  | 'SEVERITY'
  | 'STARS'
  | 'DOWNLOADS';

/** The PageInput argument as graphql-js hands it over (absent fields are undefined or null). */
export interface PageInput {
  limit?: number | null;
  offset?: number | null;
  sortBy?: SortCriteria | null;
}

export interface FilterInput {
  Os?: (string | null)[] | null;
  Arch?: (string | null)[] | null;
  HasToBeSigned?: boolean | null;
  IsBookmarked?: boolean | null;
  IsStarred?: boolean | null;
}

/** What the sort functions look at; repositories and images both provide it. */
export interface SortKeys {
  name: string;
  tag: string;
  lastUpdatedMs: number;
  downloads: number;
  rank: number;
}

export interface Page<T> {
  items: T[];
  info: PageInfo;
}

const byName = (a: SortKeys, b: SortKeys) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;

/** zot sorts zero (unknown) update times last, the rest newest first. */
const byUpdateTime = (a: SortKeys, b: SortKeys) => {
  if (a.lastUpdatedMs <= 0 || b.lastUpdatedMs <= 0)
    return (a.lastUpdatedMs <= 0 ? 1 : 0) - (b.lastUpdatedMs <= 0 ? 1 : 0);
  return b.lastUpdatedMs - a.lastUpdatedMs;
};

const SORTERS: Partial<Record<SortCriteria, { images: Comparator; repos: Comparator }>> = {
  ALPHABETIC_ASC: { images: byName, repos: byName },
  ALPHABETIC_DSC: { images: (a, b) => byName(b, a), repos: (a, b) => byName(b, a) },
  // zot: images by relevance sort by name; repositories by the rank of the name match (lower is better)
  RELEVANCE: { images: byName, repos: (a, b) => a.rank - b.rank },
  UPDATE_TIME: { images: byUpdateTime, repos: byUpdateTime },
  DOWNLOADS: { images: (a, b) => b.downloads - a.downloads, repos: (a, b) => b.downloads - a.downloads },
};
type Comparator = (a: SortKeys, b: SortKeys) => number;

export interface PageRequest {
  limit: number;
  offset: number;
  sortBy: SortCriteria;
}

/** Checks limit, offset and sort criteria before any work is done (zot's NewImgSumPageFinder). */
export function pageRequestOf(input: PageInput | null | undefined, defaultSort: SortCriteria): PageRequest {
  const limit = input?.limit ?? 0;
  const offset = input?.offset ?? 0;
  const sortBy = input?.sortBy ?? defaultSort;
  if (limit < 0) throw new GraphQLError('pagination limit has negative value');
  if (offset < 0) throw new GraphQLError('pagination offset has negative value');
  if (SORTERS[sortBy] === undefined)
    throw new GraphQLError(
      `sorting repos by '${sortBy}' is not supported: the pagination sort criteria is not supported`,
    );
  return { limit, offset, sortBy };
}

/**
 * One page of `candidates`, sorted by `keysOf`. Sorting is stable, so candidates that compare equal keep the
 * order they came in (name order), which makes pages repeatable.
 */
export function pageOf<T>(
  candidates: T[],
  request: PageRequest,
  kind: 'images' | 'repos',
  keysOf: (item: T) => SortKeys,
): Page<T> {
  if (candidates.length === 0) return { items: [], info: { TotalCount: 0, ItemCount: 0 } };
  const compare = (SORTERS[request.sortBy] as { images: Comparator; repos: Comparator })[kind];
  const keyed = candidates.map((item) => ({ item, keys: keysOf(item) }));
  keyed.sort((a, b) => compare(a.keys, b.keys));
  let start = request.offset;
  let end = request.offset + request.limit;
  if (start >= keyed.length) {
    start = keyed.length;
    end = start;
  }
  if (end >= keyed.length) end = keyed.length;
  const slice = start === 0 && end === 0 ? keyed : keyed.slice(start, end);
  return {
    items: slice.map((entry) => entry.item),
    info: { TotalCount: keyed.length, ItemCount: slice.length },
  };
}

/** zot's cleanFilter: os and arch lowercased and trimmed, empty entries dropped. */
export function cleanFilter(filter: FilterInput | null | undefined): FilterInput {
  if (filter === null || filter === undefined) return {};
  const clean = (list: (string | null)[] | null | undefined) =>
    list === null || list === undefined
      ? undefined
      : list.map((value) => (value ?? '').toLowerCase().trim()).filter((value) => value !== '');
  const os = clean(filter.Os);
  const arch = clean(filter.Arch);
  return {
    ...filter,
    ...(os === undefined ? {} : { Os: os }),
    ...(arch === undefined ? {} : { Arch: arch }),
  };
}

/** zot's platform part of ImgSumAcceptedByFilter / RepoSumAcceptedByFilter. */
export function platformsAccepted(platforms: Platform[], filter: FilterInput): boolean {
  const osList = filter.Os ?? undefined;
  const archList = filter.Arch ?? undefined;
  if (platforms.length === 0 && osList === undefined && archList === undefined) return true;
  const has = (list: (string | null)[] | undefined, value: string) =>
    list === undefined ||
    list.length === 0 ||
    list.some((entry) => (entry ?? '').toLowerCase() === value.toLowerCase());
  return platforms.some((platform) => has(osList, platform.Os) && has(archList, platform.Arch));
}

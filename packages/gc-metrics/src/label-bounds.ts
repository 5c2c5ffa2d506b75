// Label values that stay bounded whatever clients send: a scrape must never grow with user input
// (Prometheus keeps one time series per distinct label set, forever within retention).

/** Methods of RFC 9110 section 9 plus PATCH (RFC 5789); anything else is counted as "other". */
const KNOWN_HTTP_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'CONNECT',
  'TRACE',
]);

export const OTHER_METHOD_LABEL = 'other';
/** zot labels requests that name no repository (e.g. `/v2/`, `/v2/_catalog`) with "N/A". */
export const NO_REPO_LABEL = 'N/A';
/** Repositories past the label cap, and names that are not valid repository names. */
export const OTHER_REPO_LABEL = '_other';

/** Method names are case-sensitive (RFC 9110 9.1): "get" is not GET. */
export function boundedMethodLabel(method: string): string {
  return KNOWN_HTTP_METHODS.has(method) ? method : OTHER_METHOD_LABEL;
}

/** The status number as zot writes it (`strconv.Itoa`); out-of-range values become "other". */
export function boundedStatusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'other';
}

// distribution-spec: <name> matches [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*
const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
// Clients need the name to fit a URL with a hostname (distribution-spec recommends 255 in total).
const MAX_REPOSITORY_NAME_LENGTH = 255;

export interface RepoLabelLimiter {
  /** The label value for `repository`: itself while under the cap, else OTHER_REPO_LABEL. */
  labelFor(repository: string): string;
  /** Frees the slot of a deleted repository; returns whether it held one. */
  forget(repository: string): boolean;
  /** Repositories currently holding their own label value. */
  readonly size: number;
}

/**
 * Hands out at most `maxRepoLabels` distinct repository label values, first come first served.
 * A repository keeps its slot until forgotten, so its series never switch label midway.
 */
export function createRepoLabelLimiter(maxRepoLabels: number): RepoLabelLimiter {
  if (!Number.isInteger(maxRepoLabels) || maxRepoLabels < 0) {
    throw new RangeError(`maxRepoLabels must be a non-negative integer, got ${maxRepoLabels}`);
  }
  const labelled = new Set<string>();
  return {
    labelFor(repository) {
      if (labelled.has(repository)) return repository;
      if (repository.length > MAX_REPOSITORY_NAME_LENGTH || !REPOSITORY_NAME.test(repository))
        return OTHER_REPO_LABEL;
      if (labelled.size >= maxRepoLabels) return OTHER_REPO_LABEL;
      labelled.add(repository);
      return repository;
    },
    forget(repository) {
      return labelled.delete(repository);
    },
    get size() {
      return labelled.size;
    },
  };
}

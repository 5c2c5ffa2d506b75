// Home and explore: repository cards from GlobalSearch, with sort, filters (os, arch, signed, starred,
// bookmarked) and paging. Every choice lives in the URL (?q=&sort=&os=&arch=&signed=1&starred=1&bookmarked=1&page=)
// so that a view can be shared and the back button works.
import { ErrorView, Loading } from '../components/error-view.js';
import { Layout } from '../components/layout.js';
import { RepoCard } from '../components/repo-card.js';
import { useLoad } from '../components/use-load.js';
import { type SearchFilter, type SortCriteria, searchRepos } from '../queries.js';
import { navigate } from '../router.js';
import { currentUser } from '../session.js';

const PAGE_SIZE = 12;
const SORTS: Array<[SortCriteria, string]> = [
  ['RELEVANCE', 'Relevance'],
  ['UPDATE_TIME', 'Recently updated'],
  ['ALPHABETIC_ASC', 'Name A–Z'],
  ['ALPHABETIC_DSC', 'Name Z–A'],
  ['STARS', 'Most stars'],
  ['DOWNLOADS', 'Most downloads'],
];
const OSES = ['linux', 'windows', 'darwin', 'freebsd'];
const ARCHES = ['amd64', 'arm64', 'arm', '386', 'ppc64le', 's390x', 'riscv64'];

function filterOf(params: URLSearchParams): SearchFilter {
  const filter: SearchFilter = {};
  const os = params.get('os');
  const arch = params.get('arch');
  if (os) filter.Os = [os];
  if (arch) filter.Arch = [arch];
  if (params.get('signed') === '1') filter.HasToBeSigned = true;
  if (params.get('starred') === '1') filter.IsStarred = true;
  if (params.get('bookmarked') === '1') filter.IsBookmarked = true;
  return filter;
}

export function ExplorePage(props: { params: URLSearchParams }) {
  const { params } = props;
  const query = params.get('q') ?? '';
  const sort = (params.get('sort') as SortCriteria | null) ?? (query === '' ? 'UPDATE_TIME' : 'RELEVANCE');
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const key = params.toString();
  const [loaded, retry] = useLoad(
    () =>
      searchRepos({
        query,
        filter: filterOf(params),
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
        sortBy: sort,
      }),
    [key],
  );
  const loggedIn = currentUser() !== undefined;

  function set(name: string, value: string | undefined) {
    const next = new URLSearchParams(params);
    if (value === undefined || value === '') next.delete(name);
    else next.set(name, value);
    if (name !== 'page') next.delete('page');
    navigate(`/explore?${next.toString()}`);
  }

  const total = loaded.state === 'ready' ? loaded.data.Page.TotalCount : 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  return (
    <Layout title={query ? `Search: ${query}` : 'Repositories'} query={query}>
      <h1>{query ? `Repositories matching “${query}”` : 'Repositories'}</h1>
      <form class="filters" aria-label="Sort and filter" onSubmit={(e) => e.preventDefault()}>
        <label>
          Sort by
          <select value={sort} onChange={(e) => set('sort', (e.target as HTMLSelectElement).value)}>
            {SORTS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          OS
          <select
            value={params.get('os') ?? ''}
            onChange={(e) => set('os', (e.target as HTMLSelectElement).value)}
          >
            <option value="">any</option>
            {OSES.map((os) => (
              <option key={os}>{os}</option>
            ))}
          </select>
        </label>
        <label>
          Architecture
          <select
            value={params.get('arch') ?? ''}
            onChange={(e) => set('arch', (e.target as HTMLSelectElement).value)}
          >
            <option value="">any</option>
            {ARCHES.map((arch) => (
              <option key={arch}>{arch}</option>
            ))}
          </select>
        </label>
        {(
          [
            ['signed', 'Signed only'],
            ...(loggedIn
              ? ([
                  ['starred', 'Starred'],
                  ['bookmarked', 'Bookmarked'],
                ] as const)
              : []),
          ] as const
        ).map(([name, label]) => (
          <label key={name} class="check">
            <input
              type="checkbox"
              checked={params.get(name) === '1'}
              onChange={(e) => set(name, (e.target as HTMLInputElement).checked ? '1' : undefined)}
            />
            {label}
          </label>
        ))}
      </form>
      {loaded.state === 'loading' && <Loading what="repositories" />}
      {loaded.state === 'error' && <ErrorView error={loaded.error} retry={retry} />}
      {loaded.state === 'ready' && (
        <>
          <p class="count" aria-live="polite">
            {total === 1 ? '1 repository' : `${total} repositories`}
          </p>
          {loaded.data.Repos.length === 0 ? (
            <p class="empty">
              No repository matches. Push an image (
              <code>skopeo copy … docker://{location.host}/name:tag</code>) or change the filters.
            </p>
          ) : (
            <ul class="cards">
              {loaded.data.Repos.map((repo) => (
                <RepoCard key={repo.Name} repo={repo} />
              ))}
            </ul>
          )}
          {pages > 1 && (
            <nav class="pager" aria-label="Pages">
              <button type="button" disabled={page <= 1} onClick={() => set('page', String(page - 1))}>
                Previous
              </button>
              <span>
                Page {page} of {pages}
              </span>
              <button type="button" disabled={page >= pages} onClick={() => set('page', String(page + 1))}>
                Next
              </button>
            </nav>
          )}
        </>
      )}
    </Layout>
  );
}

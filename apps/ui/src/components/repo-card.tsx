// One repository in the explore list: name, description, newest tag, platforms, last update, downloads, stars,
// signature state.
import { exactTime, timeAgo } from '../format.js';
import type { RepoSummary } from '../queries.js';
import { repoPath } from '../router.js';
import { Platforms, SignedBadge } from './badges.js';

export function RepoCard(props: { repo: RepoSummary }) {
  const { repo } = props;
  const newest = repo.NewestImage;
  return (
    <li class="card repo-card" data-testid="repo-card">
      <h3>
        <a href={repoPath(repo.Name)}>{repo.Name}</a>
      </h3>
      {newest?.Description && <p class="description">{newest.Description}</p>}
      <Platforms platforms={repo.Platforms} />
      <dl class="facts">
        <div>
          <dt>Newest tag</dt>
          <dd>{newest?.Tag ?? '—'}</dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd title={exactTime(repo.LastUpdated)}>{timeAgo(repo.LastUpdated)}</dd>
        </div>
        <div>
          <dt>Downloads</dt>
          <dd>{repo.DownloadCount ?? 0}</dd>
        </div>
        <div>
          <dt>Stars</dt>
          <dd>
            {repo.StarCount ?? 0}
            {repo.IsStarred ? <span class="sr-only"> (starred by you)</span> : null}
            {repo.IsStarred ? ' ★' : ''}
          </dd>
        </div>
      </dl>
      <SignedBadge signed={newest?.IsSigned ?? false} signatures={newest?.SignatureInfo ?? null} />
      {repo.IsBookmarked ? <span class="badge bookmarked">bookmarked</span> : null}
    </li>
  );
}

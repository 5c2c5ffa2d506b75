// A repository: its description (from the newest image's annotations), star and bookmark, pull commands, and
// every tag with digest, size, platforms, push and pull times.
import { useState } from 'preact/hooks';
import { UnauthorizedError } from '../api.js';
import { Platforms, SignedBadge } from '../components/badges.js';
import { PullCommands } from '../components/copy-button.js';
import { ErrorView, Loading } from '../components/error-view.js';
import { Layout } from '../components/layout.js';
import { loginRedirect, useLoad } from '../components/use-load.js';
import { exactTime, formatSize, shortDigest, timeAgo } from '../format.js';
import { expandedRepoInfo, type ImageSummary, type RepoSummary, toggleUserPref } from '../queries.js';
import { imagePath } from '../router.js';
import { currentUser } from '../session.js';

function newestFirst(a: ImageSummary, b: ImageSummary): number {
  return (
    Date.parse(b.LastUpdated ?? '') - Date.parse(a.LastUpdated ?? '') ||
    (a.Tag ?? '').localeCompare(b.Tag ?? '')
  );
}

function Preferences(props: { repo: string; summary: RepoSummary }) {
  const [starred, setStarred] = useState(props.summary.IsStarred === true);
  const [stars, setStars] = useState(props.summary.StarCount ?? 0);
  const [bookmarked, setBookmarked] = useState(props.summary.IsBookmarked === true);
  const [error, setError] = useState('');
  if (currentUser() === undefined) return null;
  async function toggle(action: 'toggleStar' | 'toggleBookmark') {
    setError('');
    try {
      await toggleUserPref(action, props.repo);
      if (action === 'toggleStar') {
        setStars((s) => s + (starred ? -1 : 1));
        setStarred(!starred);
      } else setBookmarked(!bookmarked);
    } catch (failure) {
      if (failure instanceof UnauthorizedError) loginRedirect();
      else setError(failure instanceof Error ? failure.message : String(failure));
    }
  }
  return (
    <div class="prefs">
      <button type="button" aria-pressed={starred} onClick={() => toggle('toggleStar')}>
        {starred ? '★ Starred' : '☆ Star'} <span class="count-badge">{stars}</span>
      </button>
      <button type="button" aria-pressed={bookmarked} onClick={() => toggle('toggleBookmark')}>
        {bookmarked ? 'Bookmarked' : 'Bookmark'}
      </button>
      {error && (
        <span role="alert" class="error-inline">
          {error}
        </span>
      )}
    </div>
  );
}

export function RepoPage(props: { repo: string }) {
  const [loaded, retry] = useLoad(() => expandedRepoInfo(props.repo), [props.repo]);
  return (
    <Layout title={props.repo}>
      <nav aria-label="Breadcrumb" class="crumbs">
        <a href="/home">Repositories</a> / <span aria-current="page">{props.repo}</span>
      </nav>
      {loaded.state === 'loading' && <Loading what="the repository" />}
      {loaded.state === 'error' && <ErrorView error={loaded.error} retry={retry} />}
      {loaded.state === 'ready' && <RepoView repo={props.repo} {...loaded.data} />}
    </Layout>
  );
}

function RepoView(props: { repo: string; Summary: RepoSummary; Images: ImageSummary[] }) {
  const images = [...props.Images].sort(newestFirst);
  const newest = images[0];
  const about = newest ?? props.Summary.NewestImage;
  return (
    <>
      <div class="repo-head">
        <h1>{props.repo}</h1>
        <Preferences repo={props.repo} summary={props.Summary} />
      </div>
      <section aria-labelledby="about">
        <h2 id="about" class="sr-only">
          About
        </h2>
        <p class="description">
          {about?.Description || 'No description: set the org.opencontainers.image.description annotation.'}
        </p>
        <dl class="facts">
          {about?.Vendor ? (
            <div>
              <dt>Vendor</dt>
              <dd>{about.Vendor}</dd>
            </div>
          ) : null}
          {about?.Licenses ? (
            <div>
              <dt>License</dt>
              <dd>{about.Licenses}</dd>
            </div>
          ) : null}
          {about?.Source ? (
            <div>
              <dt>Source</dt>
              <dd>{about.Source}</dd>
            </div>
          ) : null}
          <div>
            <dt>Downloads</dt>
            <dd>{props.Summary.DownloadCount ?? 0}</dd>
          </div>
          <div>
            <dt>Size</dt>
            <dd>{formatSize(props.Summary.Size)}</dd>
          </div>
          <div>
            <dt>Updated</dt>
            <dd title={exactTime(props.Summary.LastUpdated)}>{timeAgo(props.Summary.LastUpdated)}</dd>
          </div>
        </dl>
        <Platforms platforms={props.Summary.Platforms} />
      </section>
      {newest?.Tag && (
        <section aria-labelledby="pull">
          <h2 id="pull">Pull</h2>
          <PullCommands reference={`${props.repo}:${newest.Tag}`} />
        </section>
      )}
      <section aria-labelledby="tags">
        <h2 id="tags">Tags ({images.length})</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Tag</th>
                <th scope="col">Digest</th>
                <th scope="col">Size</th>
                <th scope="col">Platforms</th>
                <th scope="col">Pushed</th>
                <th scope="col">Last pulled</th>
                <th scope="col">Signature</th>
              </tr>
            </thead>
            <tbody>
              {images.map((image) => (
                <tr key={image.Tag} data-testid="tag-row">
                  <th scope="row">
                    <a href={imagePath(props.repo, image.Tag ?? '')}>{image.Tag}</a>
                  </th>
                  <td>
                    <code title={image.Digest ?? ''}>{shortDigest(image.Digest)}</code>
                  </td>
                  <td>{formatSize(image.Size)}</td>
                  <td>
                    <Platforms platforms={(image.Manifests ?? []).map((m) => m.Platform)} />
                  </td>
                  <td title={exactTime(image.PushTimestamp)}>{timeAgo(image.PushTimestamp)}</td>
                  <td title={exactTime(image.LastPullTimestamp)}>{timeAgo(image.LastPullTimestamp)}</td>
                  <td>
                    <SignedBadge signed={image.IsSigned} signatures={image.SignatureInfo} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

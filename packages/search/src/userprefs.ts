// zot's user preferences extension (extension_userprefs.go): PUT /v2/_zot/ext/userprefs?action=...&repo=...
// toggles a star or a bookmark. Answers as zot does: 400 without a known action or a repo parameter, 404 for an
// empty or unknown repository, 403 for an anonymous caller or one who may not read it, 200 with no body.
import type { RepoMetaStore, UserPrefsStore } from '@zot-ts/metastore';

export const TOGGLE_STAR = 'toggleStar';
export const TOGGLE_BOOKMARK = 'toggleBookmark';

export interface UserPrefsRequestScope {
  repos: RepoMetaStore;
  userPrefs: UserPrefsStore;
  username: string | undefined;
  canRead(repository: string): boolean;
}

const status = (code: number) => new Response(null, { status: code });

export async function handleUserPrefs(request: Request, scope: UserPrefsRequestScope): Promise<Response> {
  if (request.method !== 'PUT') return status(405);
  const params = new URL(request.url).searchParams;
  const action = params.get('action');
  if (action !== TOGGLE_STAR && action !== TOGGLE_BOOKMARK) return status(400);
  const repository = params.get('repo');
  if (repository === null) return status(400);
  if (repository === '') return status(404);
  // zot: ErrUserDataNotAllowed before the repository is looked up, so the answer says nothing of its existence
  if (scope.username === undefined || !scope.canRead(repository)) return status(403);
  if ((await scope.repos.getRepoMeta(repository)) === undefined) return status(404);
  if (action === TOGGLE_STAR) await scope.userPrefs.toggleStar(scope.username, repository);
  else await scope.userPrefs.toggleBookmark(scope.username, repository);
  return status(200);
}

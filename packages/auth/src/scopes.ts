// Credential scopes: what an API key or a bearer token may do, on top of what its owner may do.
//
// API key scopes keep zot's wire shape (`scopes: []string`, stored and ignored by zot) and give it a
// meaning: `"<repository glob>"` allows every action there, `"<glob>:<action>[,<action>]"` only those
// actions. Globs are matched by @zot-ts/glob exactly as zot's accessControl keys (doublestar): `*` within
// one path segment, `**` as a whole segment for zero or more segments, so `team/**` also covers `team`.
// Accepted scope strings are a subset of doublestar (no classes, braces or escapes; see GLOB below), which
// keeps scopes easy to read back; matching itself is shared, so authz-cel's scope check agrees with this one.
import { createGlobCache } from '@zot-ts/glob';
import { type Action, ALL_ACTIONS, type CredentialScope } from './types.js';

export class ScopeSyntaxError extends Error {
  readonly code = 'SCOPE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ScopeSyntaxError';
  }
}

const isAction = (value: string): value is Action => (ALL_ACTIONS as readonly string[]).includes(value);
const GLOB = /^[a-z0-9*?._\-/]+$/;

/** Accepts scope strings and `{ repositories, actions }` objects; returns canonical strings and parsed scopes. */
export function parseApiKeyScopes(input: unknown): { scopes: string[]; credentialScopes: CredentialScope[] } {
  if (input === undefined || input === null) return { scopes: [], credentialScopes: [] };
  if (!Array.isArray(input)) throw new ScopeSyntaxError('scopes must be an array');
  const scopes: string[] = [];
  const credentialScopes: CredentialScope[] = [];
  for (const entry of input) {
    if (typeof entry === 'string') {
      const [glob, actionList] = splitScope(entry);
      const actions = actionList === undefined ? [...ALL_ACTIONS] : parseActions(actionList, entry);
      checkGlob(glob, entry);
      scopes.push(entry);
      credentialScopes.push({ repositories: [glob], actions });
    } else if (entry && typeof entry === 'object') {
      const { repositories, actions } = entry as { repositories?: unknown; actions?: unknown };
      if (!Array.isArray(repositories) || !Array.isArray(actions) || repositories.length === 0) {
        throw new ScopeSyntaxError('a scope object needs repositories[] and actions[]');
      }
      const parsedActions = parseActions(actions.join(','), JSON.stringify(entry));
      for (const glob of repositories) {
        if (typeof glob !== 'string') throw new ScopeSyntaxError('repositories must be strings');
        checkGlob(glob, glob);
        scopes.push(`${glob}:${parsedActions.join(',')}`);
      }
      credentialScopes.push({ repositories: repositories as string[], actions: parsedActions });
    } else {
      throw new ScopeSyntaxError('a scope is a string or {repositories, actions}');
    }
  }
  return { scopes, credentialScopes };
}

function splitScope(entry: string): [string, string | undefined] {
  const colon = entry.lastIndexOf(':');
  return colon < 0 ? [entry, undefined] : [entry.slice(0, colon), entry.slice(colon + 1)];
}

function parseActions(list: string, source: string): Action[] {
  const actions = list
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  if (actions.length === 0) throw new ScopeSyntaxError(`no actions in scope ${source}`);
  for (const action of actions) {
    if (action === '*') return [...ALL_ACTIONS];
    if (!isAction(action)) throw new ScopeSyntaxError(`unknown action ${action} in scope ${source}`);
  }
  return [...new Set(actions as Action[])];
}

function checkGlob(glob: string, source: string): void {
  if (!GLOB.test(glob)) throw new ScopeSyntaxError(`invalid repository glob in scope ${source}`);
}

const scopeGlob = createGlobCache(1_000);

/** Doublestar match of one scope glob against a repository name (zot's accessControl semantics). */
export function matchRepositoryGlob(glob: string, repository: string): boolean {
  return scopeGlob(glob).matches(repository);
}

/** Whether credential scopes allow `action` on `repository`; absent scopes allow everything. */
export function scopesAllow(
  scopes: CredentialScope[] | undefined,
  repository: string,
  action: Action,
): boolean {
  if (scopes === undefined) return true;
  return scopes.some(
    (scope) =>
      scope.actions.includes(action) &&
      scope.repositories.some((g) =>
        scope.exact === true ? g === repository : matchRepositoryGlob(g, repository),
      ),
  );
}

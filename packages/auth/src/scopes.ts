// Credential scopes: what an API key or a bearer token may do, on top of what its owner may do.
//
// API key scopes keep zot's wire shape (`scopes: []string`, stored and ignored by zot) and give it a
// meaning: `"<repository glob>"` allows every action there, `"<glob>:<action>[,<action>]"` only those
// actions. Globs: `*` within one path segment, `**` across segments, as zot's accessControl globs.
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

const globCache = new Map<string, RegExp>();

export function matchRepositoryGlob(glob: string, repository: string): boolean {
  let pattern = globCache.get(glob);
  if (!pattern) {
    let source = '';
    for (let i = 0; i < glob.length; i++) {
      const char = glob[i] as string;
      if (char === '*' && glob[i + 1] === '*') {
        source += '.*';
        i++;
      } else if (char === '*') source += '[^/]*';
      else if (char === '?') source += '[^/]';
      else source += char.replace(/[.+^${}()|[\]\\-]/g, '\\$&');
    }
    pattern = new RegExp(`^${source}$`);
    globCache.set(glob, pattern);
  }
  return pattern.test(repository);
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
      scope.actions.includes(action) && scope.repositories.some((g) => matchRepositoryGlob(g, repository)),
  );
}

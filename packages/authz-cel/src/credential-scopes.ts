// Limits carried by the credential itself (API key scopes, bearer-token `access` claims, per oci-api's
// Identity.credentialScopes): when present, one scope must list the action and match the repository,
// in addition to the policies. Scope repositories are names or doublestar globs.

import { compileGlob, type GlobMatcher } from './glob.js';
import type { AccessRequest } from './types.js';

const scopeGlobs = new Map<string, GlobMatcher>();
export function scopeAllows(
  scopes: NonNullable<NonNullable<AccessRequest['identity']>['credentialScopes']>,
  request: AccessRequest,
): boolean {
  return scopes.some(
    (scope) =>
      scope.actions.includes(request.action) &&
      scope.repositories.some((pattern) => {
        let glob = scopeGlobs.get(pattern);
        if (glob === undefined) {
          if (scopeGlobs.size >= 1_000) scopeGlobs.clear();
          glob = compileGlob(pattern);
          scopeGlobs.set(pattern, glob);
        }
        return glob.matches(request.repository);
      }),
  );
}

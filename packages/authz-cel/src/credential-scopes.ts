// Limits carried by the credential itself (API key scopes, bearer-token `access` claims, per oci-api's
// Identity.credentialScopes): when present, one scope must list the action and match the repository,
// in addition to the policies. Scope repositories are doublestar globs,
// or literal names when the scope says `exact` (bearer tokens).

import { createGlobCache } from '@zot-ts/glob';
import type { AccessRequest } from './types.js';

const scopeGlob = createGlobCache(1_000);
export function scopeAllows(
  scopes: NonNullable<NonNullable<AccessRequest['identity']>['credentialScopes']>,
  request: AccessRequest,
): boolean {
  return scopes.some(
    (scope) =>
      scope.actions.includes(request.action) &&
      scope.repositories.some((pattern) =>
        // bearer `access` names are exact repository names (distribution, zot), never globs
        scope.exact === true
          ? pattern === request.repository
          : scopeGlob(pattern).matches(request.repository),
      ),
  );
}

// The search extension from extensions.search (issue 14): zot's GraphQL API over the metadata database
// (@zot-ts/search), plus stars and bookmarks when the UI is on too (zot: AreUserPrefsEnabled = search && ui).
// Off unless `extensions.search.enable`. Results are filtered by the same access policies as /v2/_catalog.
import type { ExtensionDescriptor, Identity } from '@zot-ts/oci-api';
import type { Feature, FeatureContext } from './feature.js';
import { MGMT_PATH, SEARCH_PATH, searchRoutes, USERPREFS_PATH } from './search-routes.js';

/** zot's GetExtensions: search, userprefs (with the UI) and mgmt under the `_zot` extension. */
export function searchExtension(userPrefs: boolean): ExtensionDescriptor {
  return {
    name: '_zot',
    url: 'https://github.com/project-zot/zot/blob/v2.1.17/pkg/extensions/_zot.md',
    description: 'zot registry extensions',
    endpoints: userPrefs ? [SEARCH_PATH, USERPREFS_PATH, MGMT_PATH] : [SEARCH_PATH, MGMT_PATH],
  };
}

export async function composeSearch(context: FeatureContext): Promise<Feature> {
  const { config, metaStore, logger, auth } = context;
  if (config.extensions?.search?.enable !== true) return {};
  const userPrefs = config.extensions.ui?.enable === true;
  // loaded only with search on: graphql is 700 KB of JavaScript a server without search never needs
  const { createSearchApi } = await import('@zot-ts/search');
  // extensions.search.cve is warned about at start from the not-built table (@zot-ts/config)
  const api = createSearchApi<Identity>({
    repos: metaStore.repos,
    userPrefs: metaStore.userPrefs,
    canRead: (identity, repository) => auth?.canRead(identity, repository) ?? true,
    canDelete: (identity, repository) => auth?.can?.(identity, 'delete', repository) ?? auth === undefined,
    usernameOf: (identity) => identity?.username,
    onInternalError: (error) =>
      logger.error('search query failed', {
        module: 'search',
        error: error instanceof Error ? error.message : String(error),
      }),
  });
  return {
    api: { extensions: [searchExtension(userPrefs)] },
    extend(app) {
      searchRoutes(app, { api, auth, realm: config.http.realm, userPrefs });
    },
  };
}

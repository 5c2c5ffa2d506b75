// The web UI from extensions.ui (issue 16): apps/ui's built files served at / (see ui-routes.ts). The UI reads
// everything through the search API and the auth routes, so zot's rule holds: it needs extensions.search
// (checked by the config's cross-field rules). Stars and bookmarks (/v2/_zot/ext/userprefs) are the search
// feature's, switched on there when the UI is on.
import type { Feature, FeatureContext } from './feature.js';
import { loadUiFiles, uiDistDirectory } from './ui-files.js';
import { uiRoutes } from './ui-routes.js';

export function composeUi(context: FeatureContext, directory?: string): Feature {
  const { config, logger } = context;
  if (config.extensions?.ui?.enable !== true) return {};
  // resolved only when the UI is on: a server deployed without the UI package must start
  const dist = directory ?? uiDistDirectory();
  const files = loadUiFiles(dist);
  if (files === undefined)
    logger.warn('the web UI is enabled but not built: its pages answer 503 until it is built', {
      module: 'ui',
      directory: dist,
      build: 'pnpm --filter @zot-ts/ui build',
    });
  return {
    extend(app) {
      uiRoutes(app, files);
    },
  };
}

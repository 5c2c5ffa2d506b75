// extensions.lint (zot pkg/extensions/lint): a push of an image manifest missing a mandatory annotation is
// refused with 400 MANIFEST_INVALID before the store takes it, and reported as zotregistry.image.lint_failed.
import type { Feature, FeatureContext } from './feature.js';
import { lintManifest, lintRefusal } from './lint-check.js';

export function composeLint(context: FeatureContext): Feature {
  const settings = context.config.extensions?.lint;
  const mandatory = settings?.mandatoryAnnotations ?? [];
  if (settings?.enable !== true || mandatory.length === 0) return {};
  const { store, logger } = context;
  return {
    api: {
      async checkManifest(push) {
        const verdict = await lintManifest(store.repository(push.repository), push, mandatory);
        if (verdict === undefined || verdict.missing.length === 0) return;
        logger.error('linter did not pass', {
          repository: push.repository,
          reference: push.reference,
          missing: verdict.missing,
        });
        context.events?.imageLintFailed(
          {
            name: push.repository,
            reference: push.reference,
            digest: verdict.digest,
            mediaType: push.mediaType,
            manifest: Buffer.from(push.content).toString('utf8'),
          },
          push.actor,
        );
        throw lintRefusal(push, verdict);
      },
    },
  };
}

// Signatures and trust from extensions.trust (issue 8): a trust store of cosign public keys under the
// storage root, a verifier that reads signatures through the store and recomputes on store events, and the
// routes that add keys and serve results. Off unless `extensions.trust.enable` with cosign or notation (zot:
// SetupImageTrustRoutes skips everything otherwise).
import { join } from 'node:path';
import { createTrustStore } from '@zot-ts/cosign';
import type { ExtensionDescriptor } from '@zot-ts/oci-api';
import type { Feature, FeatureContext } from './feature.js';
import { createSignatureAccess } from './signatures-access.js';
import { createVerifierWithKeylessTrust, loadKeylessTrustOptions } from './signatures-keyless.js';
import {
  NOTATION_CERTIFICATE_PATH,
  NOTATION_DIRECTORY_NAME,
  notationCheckOf,
  notationRoutes,
  notationStoreAt,
} from './signatures-notation.js';
import { persistedSignatureResults } from './signatures-results.js';
import { COSIGN_KEY_PATH, SIGNATURES_PATH, signatureRoutes } from './signatures-routes.js';
import { createStoreSignatureSource } from './signatures-source.js';

/** zot keeps uploaded cosign keys in `<rootDirectory>/_cosign` (pkg/extensions/imagetrust: cosignDirRelativePath). */
export const COSIGN_DIRECTORY_NAME = '_cosign';

/** Options zot's config has no key for; compose passes none today. Keyless trust comes from config. */
export interface SignaturesOptions {
  /** Largest signature blob read into memory; default 8 MiB. */
  maxBlobBytes?: number;
  /** Most manifests whose results are cached. */
  maxCachedManifests?: number;
}

/** Announced in GET /v2/_oci/ext/discover, as zot announces its `_zot` extension endpoints. */
export function signaturesExtension(cosign: boolean, notation = false): ExtensionDescriptor {
  return {
    name: '_zot',
    url: 'https://github.com/project-zot/zot/blob/v2.1.17/pkg/extensions/_zot.md',
    description: 'zot registry extensions',
    endpoints: [
      ...(cosign ? [COSIGN_KEY_PATH] : []),
      ...(notation ? [NOTATION_CERTIFICATE_PATH] : []),
      SIGNATURES_PATH,
    ],
  };
}

export async function composeSignatures(
  context: FeatureContext,
  options: SignaturesOptions = {},
): Promise<Feature> {
  const trust = context.config.extensions?.trust;
  if (trust === undefined || !trust.enable || !(trust.cosign || trust.notation)) return {};

  const source = createStoreSignatureSource({
    store: context.store,
    ...(options.maxBlobBytes === undefined ? {} : { maxBlobBytes: options.maxBlobBytes }),
  });
  const persisted = persistedSignatureResults(context.metaStore.signatureResults);
  // Keyless bundles: the trusted root file is read once, here; a bad one stops the start with its path.
  const keyless = await loadKeylessTrustOptions(trust);
  const notationStore = trust.notation
    ? notationStoreAt(join(context.config.storage.rootDirectory, NOTATION_DIRECTORY_NAME))
    : undefined;
  // The verifier reads keys through the trust store at computation time; a new key clears its results.
  const verifier = createVerifierWithKeylessTrust(
    {
      source,
      trustStore: { list: () => trustStore.list() },
      ...(options.maxCachedManifests === undefined ? {} : { maxEntries: options.maxCachedManifests }),
      // results outlive a restart in the metadata store; a stored one is used while its basis holds
      persisted,
      onPersistError: (error) =>
        context.logger.warn('signature results: metadata store unavailable', { error: String(error) }),
      ...(notationStore === undefined
        ? {}
        : {
            notation: notationCheckOf(notationStore),
            // a stored result stays valid only while the notation certificates are the same
            notationTrustBasis: async () =>
              (await notationStore.trusted())
                .map((certificate) => certificate.fingerprint256)
                .sort()
                .join(','),
          }),
    },
    keyless,
  );
  // A key or certificate added: cached results go, and the metadata feature re-verifies what it stores.
  const trustListeners = new Set<() => void>();
  const onTrustAdded = (): void => {
    verifier.onKeyAdded();
    for (const listener of trustListeners) listener();
  };
  const trustStore = createTrustStore({
    directory: join(context.config.storage.rootDirectory, COSIGN_DIRECTORY_NAME),
    onKeyAdded: onTrustAdded,
  });
  context.signatureTrust = {
    status: (repository, digest) => verifier.status(repository, digest),
    trustedKeys: () => trustStore.list(),
    onTrustChanged(listener) {
      trustListeners.add(listener);
      return () => trustListeners.delete(listener);
    },
  };
  // A signature pushed or deleted (or GC removing one) changes the results of the manifest it signs.
  const unsubscribe = context.store.subscribe((event) => {
    verifier.onStoreEvent(event);
    if (event.type === 'manifestDeleted')
      persisted
        .forget(event.repository, event.digest)
        .catch((error: unknown) =>
          context.logger.warn('signature results: cannot forget a deleted image', { error: String(error) }),
        );
  });
  const access = createSignatureAccess({
    config: context.config,
    auth: context.auth,
    ...(context.now === undefined ? {} : { now: context.now }),
  });

  return {
    api: { extensions: [signaturesExtension(trust.cosign, trust.notation)] },
    extend(app) {
      signatureRoutes(app, {
        store: context.store,
        trustStore,
        verifier: verifier,
        access,
        logger: context.logger,
        cosignKeys: trust.cosign,
      });
      if (notationStore !== undefined)
        notationRoutes(app, {
          store: notationStore,
          access,
          logger: context.logger,
          onAdded: onTrustAdded,
        });
    },
    async close() {
      unsubscribe();
    },
  };
}

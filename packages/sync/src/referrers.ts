// The referrers of a synced image follow it: every manifest whose subject is the image (OCI referrers: cosign
// signatures and sigstore bundles, notation signatures, SBOMs), recursively (a signature of an SBOM), and with
// syncLegacyCosignTags the `sha256-<hex>.sig/.att/.sbom` tags, renamed after the local digest when the image was
// converted. A referrer that fails is logged and skipped, as zot does: the image itself is already committed.
import type { RegistryClient } from '@zot-ts/oci-client';
import type { RepositoryStore } from '@zot-ts/oci-store';
import { type CopyPlan, commitCopy, fetchManifestTree, planCopy } from './copy-image.js';
import type { SyncLogger } from './options.js';

export async function syncReferrers(options: {
  client: RegistryClient;
  upstreamRepository: string;
  local: RepositoryStore;
  upstreamDigest: string;
  /** The subject's plan: its conversions re-point the referrers' subjects. */
  plan: CopyPlan;
  preserveDigest: boolean;
  legacyTags: string[];
  logger: SyncLogger;
  signal?: AbortSignal;
  onBytes(bytes: number): void;
}): Promise<void> {
  const { client, upstreamRepository, local, logger, signal } = options;
  const seen = new Set<string>();
  const has = (digest: string) =>
    local.manifests.stat(digest).then(
      () => true,
      () => false,
    );

  const copy = async (
    reference: string,
    converted: CopyPlan['converted'],
    tag?: string,
  ): Promise<CopyPlan> => {
    const tree = await fetchManifestTree(client, upstreamRepository, reference, signal);
    const plan = planCopy(tree, options.preserveDigest, converted);
    if (tag === undefined && (await has(plan.localDigest))) return plan;
    const bytes = await commitCopy({
      client,
      upstreamRepository,
      local,
      plan,
      ...(tag === undefined ? {} : { tag }),
      ...(signal === undefined ? {} : { signal }),
    });
    options.onBytes(bytes);
    return plan;
  };

  const visit = async (subjectDigest: string, converted: CopyPlan['converted']): Promise<void> => {
    if (seen.has(subjectDigest)) return;
    seen.add(subjectDigest);
    const referrers = await client.listReferrers(
      upstreamRepository,
      subjectDigest,
      signal === undefined ? {} : { signal },
    );
    for (const referrer of referrers) {
      try {
        const plan = await copy(referrer.digest, converted);
        await visit(referrer.digest, plan.converted);
      } catch (error) {
        logger.error('sync: failed to sync referrer', {
          repo: upstreamRepository,
          subject: subjectDigest,
          referrer: referrer.digest,
          error: (error as Error).message,
        });
      }
    }
  };

  await visit(options.upstreamDigest, options.plan.converted);
  const localHex = options.plan.localDigest.replace(':', '-');
  const upstreamHex = options.upstreamDigest.replace(':', '-');
  for (const tag of options.legacyTags) {
    try {
      await copy(tag, options.plan.converted, tag.replace(upstreamHex, localHex));
    } catch (error) {
      logger.error('sync: failed to sync cosign tag', {
        repo: upstreamRepository,
        tag,
        error: (error as Error).message,
      });
    }
  }
}

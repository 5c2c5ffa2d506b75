// The referrers of a subject (distribution-spec, "Listing Referrers"): manifests whose `subject` names
// it, each as a descriptor with artifactType (manifest.artifactType ?? config.mediaType) and annotations.
import { parseDigest } from './digest.js';
import { OciError } from './errors.js';
import { readIndexView } from './oci-index.js';
import { loadSummary } from './references.js';
import type { StoreContext } from './store-context.js';
import type { Descriptor, Digest, ReferrersStore } from './store-types.js';

export function createReferrersStore(context: StoreContext, repository: string): ReferrersStore {
  async function list(subject: Digest, options: { artifactType?: string } = {}): Promise<Descriptor[]> {
    parseDigest(subject);
    const index = (await readIndexView(context.driver, repository))?.index;
    if (!index) throw new OciError('NAME_UNKNOWN', { detail: { name: repository } });
    const seen = new Set<Digest>();
    const referrers: Descriptor[] = [];
    for (const entry of index.manifests) {
      if (seen.has(entry.digest)) continue;
      seen.add(entry.digest);
      const summary = await loadSummary(context, repository, entry);
      if (summary?.subject?.digest !== subject) continue;
      if (options.artifactType !== undefined && summary.artifactType !== options.artifactType) continue;
      const referrer: Descriptor = { mediaType: summary.mediaType, digest: entry.digest, size: entry.size };
      if (summary.artifactType !== undefined) referrer.artifactType = summary.artifactType;
      if (summary.annotations !== undefined) referrer.annotations = summary.annotations;
      referrers.push(referrer);
    }
    return referrers;
  }
  return { list };
}

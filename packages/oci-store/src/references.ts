// What the manifests of a repository reference: the seam for blob-delete protection, GC and retention.
import { layout } from './layout.js';
import { type ManifestSummary, parseManifest } from './manifest-parse.js';
import { isNonDistributableLayer } from './media-types.js';
import type { OciIndex } from './oci-index.js';
import { readIndexView } from './oci-index.js';
import type { StoreContext } from './store-context.js';
import type { Descriptor, Digest } from './store-types.js';

/** The parsed summary of a stored manifest (cached by digest), or undefined when missing or unreadable. */
export async function loadSummary(
  context: StoreContext,
  repository: string,
  descriptor: Pick<Descriptor, 'digest' | 'mediaType'>,
): Promise<ManifestSummary | undefined> {
  const cached = context.summaries.get(descriptor.digest);
  if (cached) return cached;
  const content = await context.driver.getContent(layout.blobPath(repository, descriptor.digest));
  if (!content) return undefined;
  let summary: ManifestSummary;
  try {
    summary = parseManifest(descriptor.mediaType, content);
  } catch {
    try {
      // the body's own mediaType decides when index.json recorded another one
      summary = parseManifest('', content);
    } catch {
      return undefined;
    }
  }
  context.summaries.set(descriptor.digest, summary);
  return summary;
}

/**
 * Every digest the repository's manifests keep alive: the manifests themselves (index.json entries and,
 * recursively, children of indexes), their configs and layers. Non-distributable layers are included
 * when present. GC deletes what is in blobs/ and not in this set.
 */
export async function referencedDigests(
  context: StoreContext,
  repository: string,
  index?: Readonly<OciIndex>,
): Promise<Set<Digest>> {
  const referenced = new Set<Digest>();
  const currentIndex = index ?? (await readIndexView(context.driver, repository))?.index;
  if (!currentIndex) return referenced;
  const pending: Array<Pick<Descriptor, 'digest' | 'mediaType'>> = [...currentIndex.manifests];
  while (pending.length > 0) {
    const descriptor = pending.pop() as Descriptor;
    if (referenced.has(descriptor.digest)) continue;
    referenced.add(descriptor.digest);
    const summary = await loadSummary(context, repository, descriptor);
    if (!summary) continue;
    if (summary.config) referenced.add(summary.config.digest);
    for (const layer of summary.layers) referenced.add(layer.digest);
    pending.push(...summary.manifests);
  }
  return referenced;
}

/** A layer the manifest may reference without the registry holding it. */
export function isOptionalLayer(layer: Descriptor): boolean {
  return isNonDistributableLayer(layer.mediaType) || (layer.urls !== undefined && layer.urls.length > 0);
}

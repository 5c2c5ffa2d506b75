// Copies one image (a manifest, or an index with its children) from an upstream repository into a local one,
// staged so that a failure part-way leaves no tag pointing at missing content: blobs first (streamed from the
// upstream straight into the store, digest-checked by both), then manifests children-first by digest, and the
// tag last, in one put. Blobs already in the local repository are not fetched again.
import type { RegistryClient } from '@zot-ts/oci-client';
import type { RepositoryStore } from '@zot-ts/oci-store';
import { type ConvertedDigests, convertManifest, sha256Of } from './convert.js';
import type { InFlightCopy } from './in-flight.js';

export interface ManifestNode {
  upstreamDigest: string;
  mediaType: string;
  content: Buffer;
  children: ManifestNode[];
}

interface ParsedManifest {
  config?: { digest: string; size: number };
  layers?: Array<{ digest: string; size: number; urls?: string[]; mediaType?: string }>;
  manifests?: Array<{ digest: string }>;
}

/** Fetches the manifest and, for an index, every child manifest (recursively), by digest. */
export async function fetchManifestTree(
  client: RegistryClient,
  repository: string,
  reference: string,
  signal?: AbortSignal,
): Promise<ManifestNode> {
  const top = await client.getManifest(repository, reference, signal === undefined ? {} : { signal });
  const parsed = JSON.parse(top.content.toString('utf8')) as ParsedManifest;
  const children: ManifestNode[] = [];
  for (const child of parsed.manifests ?? [])
    children.push(await fetchManifestTree(client, repository, child.digest, signal));
  return { upstreamDigest: top.digest, mediaType: top.mediaType, content: top.content, children };
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

function blobsOf(node: ManifestNode, into: Map<string, number>): void {
  const parsed = JSON.parse(node.content.toString('utf8')) as ParsedManifest;
  if (parsed.config !== undefined) into.set(parsed.config.digest, parsed.config.size);
  for (const layer of parsed.layers ?? []) {
    // a foreign layer lives at its urls, not in the registry (distribution-spec: non-distributable)
    if ((layer.urls?.length ?? 0) > 0 && layer.mediaType?.includes('foreign')) continue;
    into.set(layer.digest, layer.size);
  }
  for (const child of node.children) blobsOf(child, into);
}

/** One manifest as it will be stored locally. */
export interface PlannedManifest {
  upstreamDigest: string;
  digest: string;
  mediaType: string;
  content: Buffer;
}

export interface CopyPlan {
  /** Children first; the last entry is the top manifest. */
  manifests: PlannedManifest[];
  /** Blobs (digest -> size) every manifest of the tree references. */
  blobs: Map<string, number>;
  localDigest: string;
  mediaType: string;
  /** Upstream digests of manifests whose local digest differs (conversion). */
  converted: ConvertedDigests;
}

/**
 * The local form of a fetched tree, computed in memory: Docker manifests converted unless preserveDigest, and
 * manifests pointing at converted ones re-pointed. `converted` carries conversions made earlier (a referrer's
 * subject). Cheap, so periodic sync plans first and copies only when the local tag differs.
 */
export function planCopy(
  tree: ManifestNode,
  preserveDigest: boolean,
  converted: ConvertedDigests = new Map(),
): CopyPlan {
  const known: ConvertedDigests = new Map(converted);
  const manifests: PlannedManifest[] = [];
  const visit = (node: ManifestNode): PlannedManifest => {
    for (const child of node.children) visit(child);
    // preserveDigest stores every manifest as it is, so no digest changes and nothing needs re-pointing
    const rewritten = preserveDigest ? undefined : convertManifest(node.mediaType, node.content, known);
    const planned: PlannedManifest =
      rewritten === undefined
        ? {
            upstreamDigest: node.upstreamDigest,
            digest: node.upstreamDigest,
            mediaType: node.mediaType,
            content: node.content,
          }
        : {
            upstreamDigest: node.upstreamDigest,
            digest: sha256Of(rewritten.content),
            mediaType: rewritten.mediaType,
            content: rewritten.content,
          };
    if (rewritten !== undefined)
      known.set(node.upstreamDigest, {
        digest: planned.digest,
        size: planned.content.length,
        mediaType: planned.mediaType,
      });
    manifests.push(planned);
    return planned;
  };
  const top = visit(tree);
  const blobs = new Map<string, number>();
  blobsOf(tree, blobs);
  return { manifests, blobs, localDigest: top.digest, mediaType: top.mediaType, converted: known };
}

/**
 * Stores a plan, staged: blobs first (streamed from the upstream into the store, skipped when present), then
 * manifests children-first by digest, and the tag last in the top manifest's own put. Returns blob bytes fetched.
 */
export async function commitCopy(options: {
  client: RegistryClient;
  upstreamRepository: string;
  local: RepositoryStore;
  plan: CopyPlan;
  /** The tag to point at the copy; none copies by digest only (referrers, digest pulls). */
  tag?: string;
  blobConcurrency?: number;
  signal?: AbortSignal;
  /**
   * Told the blobs to fetch before any is fetched; may return a copy whose readers are served while it runs
   * (on demand, in-flight.ts). It is released once the manifests are stored, or with the error.
   */
  stage?: (missing: Map<string, number>) => InFlightCopy | undefined;
}): Promise<number> {
  const { client, local, plan, signal } = options;
  const blobs = [...plan.blobs];
  const present = new Set<string>();
  await eachLimited(blobs, 8, async ([digest]) => {
    if (
      await local.blobs.stat(digest).then(
        () => true,
        () => false,
      )
    )
      present.add(digest);
  });
  const missing = new Map(blobs.filter(([digest]) => !present.has(digest)));
  const copy = options.stage?.(missing);
  let bytes = 0;
  try {
    await eachLimited([...missing], options.blobConcurrency ?? 4, async ([digest, size]) => {
      // the store hashes what it writes and refuses a wrong digest: no second hash here
      const stream = client.getBlob(
        options.upstreamRepository,
        digest,
        signal === undefined ? { size, verifyDigest: false } : { size, signal, verifyDigest: false },
      );
      await local.uploads.putBlob(
        copy === undefined ? stream : copy.through(digest, stream),
        digest,
        signal === undefined ? { expectedLength: size } : { expectedLength: size, signal },
      );
      copy?.stored(digest);
      bytes += size;
    });
    const last = plan.manifests.length - 1;
    for (const [index, manifest] of plan.manifests.entries()) {
      const reference = index === last && options.tag !== undefined ? options.tag : manifest.digest;
      await local.manifests.put(reference, manifest.mediaType, manifest.content);
    }
  } catch (error) {
    copy?.release(error as Error);
    throw error;
  }
  copy?.release();
  return bytes;
}

// Walks repositories and tags to produce image summaries; also the digest search behind
// `zli image digest` (zot answers that from its search extension; a plain registry has to be walked).

import type { FetchedManifest, ZotRegistry } from '../registry/zot-registry.js';
import { type ImageSummary, isArtifactTag, summarizeImage } from './image-summary.js';
import { mapWithLimit } from './pool.js';
import { createTrustLookup } from './signature-trust.js';

const PARALLEL_REQUESTS = 8;

interface TaggedManifest {
  repository: string;
  tag: string;
  tags: ReadonlySet<string>;
  fetched: FetchedManifest;
}

async function taggedManifests(
  client: ZotRegistry,
  repositories: readonly string[],
): Promise<TaggedManifest[]> {
  const perRepository = await mapWithLimit(repositories, PARALLEL_REQUESTS, async (repository) => {
    const tags = await client.listTags(repository);
    const tagSet = new Set(tags);
    const visible = tags.filter((tag) => !isArtifactTag(tag)).sort();
    return mapWithLimit(visible, PARALLEL_REQUESTS, async (tag) => ({
      repository,
      tag,
      tags: tagSet,
      fetched: await client.getManifest(repository, tag),
    }));
  });
  return perRepository.flat();
}

export async function listImages(
  client: ZotRegistry,
  repositories?: readonly string[],
): Promise<ImageSummary[]> {
  const chosen = repositories ?? (await client.listRepositories());
  const manifests = await taggedManifests(client, [...chosen].sort());
  const trust = createTrustLookup(client);
  return mapWithLimit(manifests, PARALLEL_REQUESTS, (entry) =>
    summarizeImage(client, entry.repository, entry.tag, entry.fetched, entry.tags, trust),
  );
}

/** `sha256:abc`, `abc` or a full digest: matched as a prefix of the hex, like zot's partial digest search. */
function digestMatcher(query: string): (digest: string | undefined) => boolean {
  const wanted = query.includes(':') ? query : `sha256:${query}`;
  return (digest) => digest?.startsWith(wanted) === true;
}

/** Images whose manifest, platform manifest, config or a layer has a digest starting with `query`. */
export async function findImagesByDigest(client: ZotRegistry, query: string): Promise<ImageSummary[]> {
  const matches = digestMatcher(query);
  const repositories = (await client.listRepositories()).sort();
  const manifests = await taggedManifests(client, repositories);
  const hits = manifests.filter(({ fetched }) => {
    const document = fetched.manifest;
    return (
      matches(fetched.digest) ||
      matches(document.config?.digest) ||
      (document.layers ?? []).some((layer) => matches(layer.digest)) ||
      (document.manifests ?? []).some((child) => matches(child.digest))
    );
  });
  const trust = createTrustLookup(client);
  return mapWithLimit(hits, PARALLEL_REQUESTS, (entry) =>
    summarizeImage(client, entry.repository, entry.tag, entry.fetched, entry.tags, trust),
  );
}

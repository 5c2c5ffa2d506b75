// zot's MetaDB.FilterTags: every tag of the readable repositories that `acceptTag` takes, with its image; an index
// is offered manifest by manifest to `acceptImage` and kept with only the manifests it accepted. Images are read
// in one batch.
import type { ImageMeta, RepoMeta } from '@zot-ts/metastore';
import { isIndexType, isManifestType, type TaggedImage } from './image-summary.js';
import type { SearchScope } from './scope.js';

export type AcceptTag = (repository: string, tag: string) => boolean;
/** Sees a plain manifest, or one manifest of an index as a one-manifest image with the index's digest. */
export type AcceptImage = (repo: RepoMeta, image: ImageMeta) => boolean;

export const acceptAll = () => true;

export async function filterTags(
  scope: SearchScope,
  repos: RepoMeta[],
  acceptTag: AcceptTag,
  acceptImage: AcceptImage,
): Promise<TaggedImage[]> {
  const wanted: { repo: RepoMeta; tag: string; digest: string }[] = [];
  for (const repo of repos) {
    for (const [tag, descriptor] of Object.entries(repo.tags)) {
      if (tag === '' || !acceptTag(repo.name, tag)) continue;
      wanted.push({ repo, tag, digest: descriptor.digest });
    }
  }
  const images = await scope.repos.getImageMetas([...new Set(wanted.map((entry) => entry.digest))]);
  const out: TaggedImage[] = [];
  for (const { repo, tag, digest } of wanted) {
    const image = images.get(digest);
    if (image === undefined) continue;
    if (isManifestType(image.mediaType)) {
      if (image.manifests.length > 0 && acceptImage(repo, image)) out.push({ repo, tag, image });
    } else if (isIndexType(image.mediaType)) {
      const matched = image.manifests.filter((manifest) =>
        acceptImage(repo, { ...image, manifests: [manifest] }),
      );
      if (matched.length > 0) out.push({ repo, tag, image: { ...image, manifests: matched } });
    }
  }
  return out;
}

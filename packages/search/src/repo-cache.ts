// Decoded repository records kept between requests while the store's change marker stays put: decoding every
// RepoMeta of a thousand repositories from LMDB costs tens of milliseconds, reading the marker tens of
// microseconds. Image records are kept the same way (bounded). A store without a marker is read every time.
// Cached records are shared by concurrent requests: resolvers treat them as read-only.
import type { ImageMeta, RepoMeta, RepoMetaStore } from '@zot-ts/metastore';

export interface RepoReader {
  /** Every repository, in name order. */
  allRepos(): Promise<RepoMeta[]>;
  imageMetas(digests: readonly string[]): Promise<Map<string, ImageMeta>>;
}

const MAX_CACHED_IMAGES = 20_000;

export function createRepoReader(store: RepoMetaStore): RepoReader {
  let reposOf: { marker: number; repos: Promise<RepoMeta[]> } | undefined;
  let imagesMarker: number | undefined;
  const images = new Map<string, ImageMeta>();

  return {
    allRepos() {
      const marker = store.changeMarker?.();
      if (marker === undefined) return store.listRepoMetas();
      // the marker is read before the records: a write in between makes the next call read again
      if (reposOf?.marker !== marker) {
        const repos = store.listRepoMetas();
        reposOf = { marker, repos };
        repos.catch(() => {
          if (reposOf?.repos === repos) reposOf = undefined;
        });
      }
      return reposOf.repos;
    },

    async imageMetas(digests) {
      const marker = store.changeMarker?.();
      if (marker === undefined) return store.getImageMetas(digests);
      if (marker !== imagesMarker) {
        images.clear();
        imagesMarker = marker;
      }
      const found = new Map<string, ImageMeta>();
      const missing: string[] = [];
      for (const digest of digests) {
        const image = images.get(digest);
        if (image === undefined) missing.push(digest);
        else found.set(digest, image);
      }
      if (missing.length > 0) {
        const read = await store.getImageMetas(missing);
        if (images.size + read.size > MAX_CACHED_IMAGES) images.clear();
        for (const [digest, image] of read) {
          found.set(digest, image);
          if (imagesMarker === marker) images.set(digest, image);
        }
      }
      return found;
    },
  };
}

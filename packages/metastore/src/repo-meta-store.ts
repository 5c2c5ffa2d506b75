// RepoMetaStore and UserPrefsStore written once over a RepoMetaBackend, following zot's boltdb.go
// (SetRepoReference, AddManifestSignature, RemoveRepoReference, DeleteSignature, UpdateStatsOnDownload,
// ToggleStarRepo). Every write reads, changes and puts back the repository inside one backend transaction and
// recomputes the derived fields there, so readers never see a tag without its size and platforms.

import type { PullTally } from './pull-batch.js';
import type { RepoMetaBackend, RepoMetaTx } from './repo-meta-backend.js';
import {
  deriveRepoFields,
  emptyRepoMeta,
  type ImageSummary,
  isDigestReference,
  summariseImage,
} from './repo-meta-derive.js';
import {
  addReferrer,
  addSignature,
  forgetManifest,
  removeReferrer,
  removeSignature,
} from './repo-meta-edits.js';
import type { ImageMeta, RepoMeta, RepoMetaStore, UserPrefsStore } from './repo-meta-types.js';

/**
 * Image summaries by digest, so that recomputing a repository's derived fields on each push reads no image
 * records (zot keeps the same per-blob summary in its RepoBlobs bucket). Image content never changes under a
 * digest; an index whose children were read again is re-summarised when its record is put.
 */
function createSummaryCache(maxEntries = 50_000) {
  const cache = new Map<string, ImageSummary>();
  const remember = (summary: ImageSummary): ImageSummary => {
    cache.delete(summary.digest);
    cache.set(summary.digest, summary);
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
    return summary;
  };
  return {
    put: (image: ImageMeta) => void remember(summariseImage(image)),
    of(tx: RepoMetaTx, digest: string): ImageSummary | undefined {
      const found = cache.get(digest);
      if (found) return found;
      const image = tx.getImage(digest);
      return image ? remember(summariseImage(image)) : undefined;
    },
  };
}

export function createRepoMetaStore(backend: RepoMetaBackend): RepoMetaStore {
  const summaries = createSummaryCache();
  const putImage = (tx: RepoMetaTx, image: ImageMeta): void => {
    tx.putImage(image);
    summaries.put(image);
  };
  const putDerived = (tx: RepoMetaTx, repo: RepoMeta): void => {
    deriveRepoFields(repo, (digest) => summaries.of(tx, digest));
    tx.putRepo(repo);
  };
  const changeMarker = backend.changeMarker?.bind(backend);
  const recordDownloads = (repository: string, downloads: ReadonlyMap<string, PullTally>) =>
    backend.write((tx) => {
      const repo = tx.getRepo(repository);
      if (!repo) return;
      let changed = false;
      for (const [reference, { at, count }] of downloads) {
        const digest = isDigestReference(reference) ? reference : repo.tags[reference]?.digest;
        if (!digest) continue;
        let stats = repo.statistics[digest];
        if (!stats) {
          // zot: statistics may be missing for a tagged digest (a failed earlier update); an unknown digest is ignored.
          if (!Object.values(repo.tags).some((descriptor) => descriptor.digest === digest)) continue;
          stats = { downloadCount: 0 };
          repo.statistics[digest] = stats;
        }
        stats.downloadCount += count;
        if (stats.lastPullAt === undefined || stats.lastPullAt < at) stats.lastPullAt = at;
        repo.downloadCount += count;
        changed = true;
      }
      if (changed) tx.putRepo(repo);
    });
  return {
    ...(changeMarker === undefined ? {} : { changeMarker }),
    setImageMeta: (image) => backend.write((tx) => putImage(tx, image)),
    getImageMeta: (digest) => backend.read((tx) => tx.getImage(digest)),
    getImageMetas: (digests) =>
      backend.read((tx) => {
        const found = new Map<string, ImageMeta>();
        for (const digest of digests) {
          const image = tx.getImage(digest);
          if (image) found.set(digest, image);
        }
        return found;
      }),

    setRepoReference: (repository, reference, image, push) =>
      backend.write((tx) => {
        putImage(tx, image);
        const repo = tx.getRepo(repository) ?? emptyRepoMeta(repository);
        // zot records a signature only under the manifest it signs: no tag, no statistics, no referrer entry.
        if (addSignature(repo, reference, image)) return putDerived(tx, repo);
        addReferrer(repo, image);
        if (!isDigestReference(reference)) {
          const previous = repo.tags[reference];
          // zot keeps the time a tag was first set while it keeps pointing somewhere.
          const taggedAt = previous ? previous.taggedAt : push.at;
          repo.tags[reference] = { digest: image.digest, mediaType: image.mediaType, taggedAt };
        }
        const stats = repo.statistics[image.digest];
        if (!stats) {
          repo.statistics[image.digest] = {
            downloadCount: 0,
            pushedAt: push.at,
            ...(push.pushedBy ? { pushedBy: push.pushedBy } : {}),
          };
        } else {
          stats.pushedAt ??= push.at;
          if (push.pushedBy && !stats.pushedBy) stats.pushedBy = push.pushedBy;
        }
        putDerived(tx, repo);
      }),

    removeRepoReference: (repository, reference, manifestDigest) =>
      backend.write((tx) => {
        const repo = tx.getRepo(repository);
        if (!repo) return;
        const image = tx.getImage(manifestDigest);
        if (image && removeSignature(repo, reference, image)) return putDerived(tx, repo);
        if (isDigestReference(reference)) {
          for (const [tag, descriptor] of Object.entries(repo.tags)) {
            if (descriptor.digest === reference) delete repo.tags[tag];
          }
          // The manifest itself is gone: whatever it signed or referred to forgets it.
          forgetManifest(repo, manifestDigest);
        } else {
          delete repo.tags[reference];
        }
        const stillTagged = Object.values(repo.tags).some(
          (descriptor) => descriptor.digest === manifestDigest,
        );
        if (!stillTagged) {
          if (image) removeReferrer(repo, image);
          // A digest delete removes the manifest; a tag delete leaves an untagged manifest in storage whose
          // statistics zot drops all the same.
          delete repo.statistics[manifestDigest];
          delete repo.signatures[manifestDigest];
          delete repo.referrers[manifestDigest];
        }
        putDerived(tx, repo);
      }),

    getRepoMeta: (repository) => backend.read((tx) => tx.getRepo(repository)),
    listRepoMetas: () => backend.read((tx) => tx.allRepos()),
    repositoryNames: () => backend.read((tx) => tx.repoNames()),
    deleteRepoMeta: (repository) => backend.write((tx) => tx.deleteRepo(repository)),

    recordDownload: (repository, reference, at, count = 1) =>
      recordDownloads(repository, new Map([[reference, { at, count }]])),
    recordDownloads,

    updateSignatureTrust: (repository, signedDigest, tool, signature) =>
      backend.write((tx) => {
        const repo = tx.getRepo(repository);
        const list = repo?.signatures[signedDigest]?.[tool];
        if (!repo || !list) return;
        const index = list.findIndex(
          (entry) => entry.signatureManifestDigest === signature.signatureManifestDigest,
        );
        if (index < 0) return;
        list[index] = signature;
        tx.putRepo(repo);
      }),
  };
}

export function createUserPrefsStore(backend: RepoMetaBackend): UserPrefsStore {
  const toggle = (username: string, repository: string, field: 'starred' | 'bookmarked') =>
    backend.write((tx) => {
      const prefs = tx.getUserPrefs(username) ?? { username, starred: [], bookmarked: [] };
      const had = prefs[field].includes(repository);
      prefs[field] = had
        ? prefs[field].filter((name) => name !== repository)
        : [...prefs[field], repository].sort();
      tx.putUserPrefs(prefs);
      if (field === 'starred') {
        const repo = tx.getRepo(repository);
        if (repo) {
          repo.starCount = Math.max(0, repo.starCount + (had ? -1 : 1));
          tx.putRepo(repo);
        }
      }
      return had ? ('removed' as const) : ('added' as const);
    });
  return {
    toggleStar: (username, repository) => toggle(username, repository, 'starred'),
    toggleBookmark: (username, repository) => toggle(username, repository, 'bookmarked'),
    starredRepositories: (username) => backend.read((tx) => tx.getUserPrefs(username)?.starred ?? []),
    bookmarkedRepositories: (username) => backend.read((tx) => tx.getUserPrefs(username)?.bookmarked ?? []),
  };
}

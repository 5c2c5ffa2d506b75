// Brings the metadata database in line with storage, as zot's ParseStorage/ParseRepo do, but re-reading only
// repositories whose index.json changed since their metadata last matched it (a fingerprint per repository:
// the driver's version of the file, or its size and mtime). Repositories gone from storage are dropped.
import type { ImageMeta, MetaStore } from '@zot-ts/metastore';
import { ANNOTATION_REF_NAME, type Store } from '@zot-ts/oci-store';
import { readImageMeta } from './metadata-images.js';

export interface SyncSummary {
  repositories: number;
  parsed: number;
  unchanged: number;
  dropped: number;
  failed: number;
}

/** zot skips the referrers-API fallback tags (`sha256-<hex>` with no suffix) when it parses a repository. */
const REFERRERS_TAG = /^sha256-[a-f0-9]{64}$/;

async function allRepositories(store: Store): Promise<string[]> {
  const names: string[] = [];
  let last: string | undefined;
  for (;;) {
    const page = await store.catalog({ n: 10_000, ...(last === undefined ? {} : { last }) });
    names.push(...page.repositories);
    if (page.next === undefined || page.repositories.length === 0) return names;
    last = page.next;
  }
}

/**
 * Re-reads one repository from storage: tags and manifests gone from index.json are removed (zot's
 * ResetRepoReferences), every entry is set again (image metas already known by digest are not read again:
 * a digest names immutable content). Stars and download counts of what is still there are kept.
 */
export async function syncRepository(
  store: Store,
  metaStore: MetaStore,
  name: string,
  now: Date,
): Promise<void> {
  const repository = store.repository(name);
  const snapshot = await repository.indexManifests();
  if (snapshot === undefined) {
    await metaStore.repos.deleteRepoMeta(name);
    await metaStore.storageSync?.clear(name);
    return;
  }
  const entries = snapshot.manifests.flatMap((descriptor) => {
    const tag = descriptor.annotations?.[ANNOTATION_REF_NAME];
    if (tag !== undefined && REFERRERS_TAG.test(tag)) return [];
    return [{ reference: tag ?? descriptor.digest, digest: descriptor.digest }];
  });
  const inStorage = new Set(entries.map((entry) => entry.reference));
  const digestsInStorage = new Set(entries.map((entry) => entry.digest));

  const writes: Promise<void>[] = [];
  const known = await metaStore.repos.getRepoMeta(name);
  if (known) {
    for (const [tag, descriptor] of Object.entries(known.tags)) {
      if (!inStorage.has(tag)) writes.push(metaStore.repos.removeRepoReference(name, tag, descriptor.digest));
    }
    const madeBy = new Set([
      ...Object.keys(known.statistics),
      ...Object.values(known.signatures).flatMap((byTool) =>
        Object.values(byTool).flatMap((list) => list.map((signature) => signature.signatureManifestDigest)),
      ),
      ...Object.values(known.referrers).flatMap((list) => list.map((referrer) => referrer.digest)),
    ]);
    for (const digest of madeBy) {
      if (!digestsInStorage.has(digest))
        writes.push(metaStore.repos.removeRepoReference(name, digest, digest));
    }
  }

  const images = await metaStore.repos.getImageMetas([...digestsInStorage]);
  const resolved: { reference: string; image: ImageMeta }[] = [];
  for (const entry of entries) {
    const image = images.get(entry.digest) ?? (await readImageMeta(repository, entry.digest, metaStore));
    if (!image) continue; // a manifest blob missing from storage: zot skips it and goes on
    images.set(entry.digest, image);
    resolved.push({ reference: entry.reference, image });
  }
  // Untagged children before the indexes and tags that point at them, as a push orders them.
  const isTag = (reference: string) => !reference.includes(':');
  resolved.sort((a, b) => Number(isTag(a.reference)) - Number(isTag(b.reference)));
  // Issued together, committed in order: LMDB batches them into few commits instead of one fsync each.
  for (const { reference, image } of resolved) {
    writes.push(metaStore.repos.setRepoReference(name, reference, image, { at: now }));
  }
  await Promise.all(writes);
  await metaStore.storageSync?.set(name, snapshot.fingerprint);
}

/** zot's ParseStorage, for what changed since the last run. */
export async function syncStorage(
  store: Store,
  metaStore: MetaStore,
  options: { now: () => Date; concurrency?: number; onError?: (repository: string, error: unknown) => void },
): Promise<SyncSummary> {
  const names = await allRepositories(store);
  const present = new Set(names);
  const fingerprints = (await metaStore.storageSync?.all()) ?? new Map<string, string>();
  const summary: SyncSummary = { repositories: names.length, parsed: 0, unchanged: 0, dropped: 0, failed: 0 };

  for (const name of await metaStore.repos.repositoryNames()) {
    if (present.has(name)) continue;
    await metaStore.repos.deleteRepoMeta(name);
    summary.dropped++;
  }
  for (const name of fingerprints.keys()) if (!present.has(name)) await metaStore.storageSync?.clear(name);

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next++] as string;
      try {
        const fingerprint = await store.repository(name).indexFingerprint();
        if (fingerprint !== undefined && fingerprints.get(name) === fingerprint) {
          summary.unchanged++;
          continue;
        }
        await syncRepository(store, metaStore, name, options.now());
        summary.parsed++;
      } catch (error) {
        summary.failed++;
        options.onError?.(name, error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return summary;
}

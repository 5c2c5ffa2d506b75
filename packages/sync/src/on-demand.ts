// On-demand sync (zot's BaseOnDemand): a pull of an image in a synced prefix fetches it from the upstreams
// first, in order, until one has it. Concurrent requests for the same image wait on the one fetch; a tag that
// was just checked is taken as current for `recheckMs`, so a burst of pulls asks the upstream once; a digest
// already stored is never fetched again (content addressed).
import type { Store } from '@zot-ts/oci-store';
import type { SyncReport } from './options.js';
import type { Upstream } from './upstream.js';

export interface OnDemand {
  /** True when some on-demand upstream's content rules cover this local repository. */
  covers(localRepository: string): boolean;
  image(localRepository: string, reference: string): Promise<SyncReport | undefined>;
  referrers(localRepository: string, digest: string): Promise<SyncReport | undefined>;
}

export function createOnDemand(store: Store, upstreams: Upstream[], recheckMs: number): OnDemand {
  const onDemand = upstreams.filter((u) => u.options.onDemand);
  const inFlight = new Map<string, Promise<SyncReport | undefined>>();
  const checkedAt = new Map<string, number>();

  const hasManifest = (repository: string, digest: string) =>
    store
      .repository(repository)
      .manifests.stat(digest)
      .then(
        () => true,
        () => false,
      );

  async function fromUpstreams(localRepository: string, reference: string): Promise<SyncReport | undefined> {
    let last: SyncReport | undefined;
    for (const upstream of onDemand) {
      const upstreamRepository = upstream.rules.sourceOf(localRepository);
      if (upstreamRepository === undefined) continue;
      last = await upstream.syncImage({ upstreamRepository, localRepository, reference, mode: 'onDemand' });
      if (last.outcome === 'synced' || last.outcome === 'unchanged') return last;
    }
    return last;
  }

  function coalesced(
    key: string,
    work: () => Promise<SyncReport | undefined>,
  ): Promise<SyncReport | undefined> {
    const running = inFlight.get(key);
    if (running !== undefined) return running;
    const started = work().finally(() => {
      inFlight.delete(key);
      checkedAt.set(key, Date.now());
      // forget old checks so the map stays the size of what is pulled now
      if (checkedAt.size > 10_000) checkedAt.clear();
    });
    inFlight.set(key, started);
    return started;
  }

  const fresh = (key: string) => Date.now() - (checkedAt.get(key) ?? 0) < recheckMs;

  return {
    covers: (localRepository) => onDemand.some((u) => u.rules.sourceOf(localRepository) !== undefined),
    async image(localRepository, reference) {
      const isDigest = reference.includes(':');
      if (isDigest && (await hasManifest(localRepository, reference))) return undefined;
      const key = `${localRepository}@${reference}`;
      if (!isDigest && fresh(key) && !inFlight.has(key)) return undefined;
      return coalesced(key, () => fromUpstreams(localRepository, reference));
    },
    async referrers(localRepository, digest) {
      const key = `${localRepository}@referrers:${digest}`;
      if (fresh(key) && !inFlight.has(key)) return undefined;
      // the subject by digest brings its referrers along (and is skipped when already here)
      return coalesced(key, () => fromUpstreams(localRepository, digest));
    },
  };
}

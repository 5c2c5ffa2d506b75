// On-demand sync (zot's BaseOnDemand): a pull of an image in a synced prefix fetches it from the upstreams
// first, in order, until one has it. Concurrent requests for the same image wait on the one fetch; a tag that
// was just checked is taken as current for `recheckMs`, so a burst of pulls asks the upstream once; a digest
// already stored is never fetched again (content addressed). An image with at least STREAM_FROM_BYTES to
// fetch is answered while its copy runs (in-flight.ts): its manifest from memory once the copy is staged, its
// blobs as they arrive; a smaller one is answered from the store once copied, referrers and signatures
// included (the common case, and what clients that check signatures right after a pull expect).
import type { Store } from '@zot-ts/oci-store';
import { createInFlightRegistry, type InFlightRegistry, type ManifestInFlight } from './in-flight.js';
import type { SyncReport } from './options.js';
import type { Upstream } from './upstream.js';

/** Blob bytes an on-demand copy must fetch before its image is served while it runs. */
const STREAM_FROM_BYTES = 16 * 1024 * 1024;

export interface OnDemand {
  /** True when some on-demand upstream's content rules cover this local repository. */
  covers(localRepository: string): boolean;
  /** Syncs the image; a manifest to serve from memory when its copy still runs, else undefined (the store has it). */
  image(localRepository: string, reference: string): Promise<ManifestInFlight | undefined>;
  referrers(localRepository: string, digest: string): Promise<SyncReport | undefined>;
  /** What in-flight copies serve before the store has it. */
  readonly inFlight: InFlightRegistry;
}

interface Running {
  /** The copy, to its end (referrers and signatures included). */
  done: Promise<SyncReport | undefined>;
  /** The manifest to answer with: as soon as a large copy is staged, else once `done`. */
  ready: Promise<ManifestInFlight | undefined>;
}

export function createOnDemand(store: Store, upstreams: Upstream[], recheckMs: number): OnDemand {
  const onDemand = upstreams.filter((u) => u.options.onDemand);
  const inFlight = new Map<string, Running>();
  const checkedAt = new Map<string, number>();
  const registry = createInFlightRegistry(store);

  const hasManifest = (repository: string, digest: string) =>
    store
      .repository(repository)
      .manifests.stat(digest)
      .then(
        () => true,
        () => false,
      );

  async function fromUpstreams(
    localRepository: string,
    reference: string,
    served?: (manifest: ManifestInFlight) => void,
  ): Promise<SyncReport | undefined> {
    let last: SyncReport | undefined;
    for (const upstream of onDemand) {
      const upstreamRepository = upstream.rules.sourceOf(localRepository);
      if (upstreamRepository === undefined) continue;
      last = await upstream.syncImage({
        upstreamRepository,
        localRepository,
        reference,
        mode: 'onDemand',
        ...(served === undefined
          ? {}
          : {
              stage: (plan, missing) => {
                let bytes = 0;
                for (const size of missing.values()) bytes += size;
                if (bytes < STREAM_FROM_BYTES) return undefined;
                const tag = reference.includes(':') ? undefined : reference;
                const copy = registry.begin(localRepository, plan.manifests, tag, missing);
                // by digest, a converted (Docker) manifest is stored under another digest: not servable early
                const manifest = registry.manifest(localRepository, reference);
                if (manifest !== undefined) served(manifest);
                return copy;
              },
            }),
      });
      if (last.outcome === 'synced' || last.outcome === 'unchanged') return last;
    }
    return last;
  }

  function coalesced(
    key: string,
    work: (served: (manifest: ManifestInFlight) => void) => Promise<SyncReport | undefined>,
  ): Running {
    const running = inFlight.get(key);
    if (running !== undefined) return running;
    let serve: (manifest: ManifestInFlight | undefined) => void = () => undefined;
    const ready = new Promise<ManifestInFlight | undefined>((resolve) => {
      serve = resolve;
    });
    const done = work((manifest) => serve(manifest)).finally(() => {
      inFlight.delete(key);
      checkedAt.set(key, Date.now());
      // forget old checks so the map stays the size of what is pulled now
      if (checkedAt.size > 10_000) checkedAt.clear();
    });
    // a copy that was never staged early answers from the store once done (or with its error)
    const settled = done.then(() => undefined);
    const started: Running = { done, ready: Promise.race([ready, settled]) };
    inFlight.set(key, started);
    // a copy still running after its pull was answered has no one awaiting it: its failure is logged by syncImage
    done.catch(() => undefined);
    return started;
  }

  /** Copies of this repository still running (a referrers read waits for them: the subject may be one). */
  const runningIn = (localRepository: string) =>
    [...inFlight].filter(([key]) => key.startsWith(`${localRepository}@`)).map(([, running]) => running.done);

  const fresh = (key: string) => Date.now() - (checkedAt.get(key) ?? 0) < recheckMs;

  return {
    inFlight: registry,
    covers: (localRepository) => onDemand.some((u) => u.rules.sourceOf(localRepository) !== undefined),
    async image(localRepository, reference) {
      // a child of an index, or the same image under another request, that a running copy already serves
      const running = registry.manifest(localRepository, reference);
      if (running !== undefined) return running;
      const isDigest = reference.includes(':');
      if (isDigest && (await hasManifest(localRepository, reference))) return undefined;
      const key = `${localRepository}@${reference}`;
      if (!isDigest && fresh(key) && !inFlight.has(key)) return undefined;
      return coalesced(key, (served) => fromUpstreams(localRepository, reference, served)).ready;
    },
    async referrers(localRepository, digest) {
      if (registry.manifest(localRepository, digest) !== undefined)
        await Promise.allSettled(runningIn(localRepository));
      const key = `${localRepository}@referrers:${digest}`;
      if (fresh(key) && !inFlight.has(key)) return undefined;
      // the subject by digest brings its referrers along (and is skipped when already here)
      return coalesced(key, () => fromUpstreams(localRepository, digest)).done;
    },
  };
}

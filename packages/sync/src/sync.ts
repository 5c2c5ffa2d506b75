// createSync: the sync service over a store. `start()` schedules each upstream's periodic sync (a first
// pass at once, then every pollInterval, never two passes of one upstream at a time); `beforeRead` is the
// on-demand hook the registry hands to oci-api, with `blobInFlight` for the blobs of a copy still running;
// `close()` stops the timers and lets a running pass end.
import type { BlobInFlight, ManifestInFlight } from './in-flight.js';
import { createOnDemand } from './on-demand.js';
import type { SyncLogger, SyncOptions } from './options.js';
import { type PollSummary, pollUpstream } from './periodic.js';
import { createUpstream, type Upstream } from './upstream.js';

export interface SyncService {
  /**
   * On demand: fetch a manifest (tag or digest) or the referrers of a digest before they are served. A large
   * image is answered while its copy runs: the manifest to serve from memory is returned, else undefined.
   */
  beforeRead(read: {
    kind: 'manifest' | 'referrers';
    repository: string;
    reference: string;
  }): Promise<ManifestInFlight | undefined>;
  /** A blob an on-demand copy is still fetching into `repository`, streamed as it arrives. */
  blobInFlight(repository: string, digest: string): BlobInFlight | undefined;
  /** One periodic pass over every upstream that has content and a pollInterval (tests and the scheduler). */
  pollAll(): Promise<PollSummary[]>;
  start(): void;
  close(): Promise<void>;
}

export function createSync(options: SyncOptions): SyncService {
  const logger: SyncLogger = options.logger ?? { info() {}, warn() {}, error() {} };
  const upstreams: Upstream[] = options.upstreams.map((u) => createUpstream(u, options));
  const onDemand = createOnDemand(options.store, upstreams, options.recheckMs ?? 5000);
  const periodic = upstreams.filter(
    (u) => u.options.content.length > 0 && (u.options.pollIntervalMs ?? 0) > 0,
  );
  const timers: NodeJS.Timeout[] = [];
  const running = new Map<Upstream, Promise<PollSummary>>();
  const stopping = new AbortController();

  const poll = (upstream: Upstream): Promise<PollSummary> => {
    const current = running.get(upstream);
    if (current !== undefined) return current;
    const pass = pollUpstream(upstream, logger, stopping.signal)
      .catch((error: unknown) => {
        logger.error('sync: periodic sync failed', {
          remote: upstream.name,
          error: (error as Error).message,
        });
        return { repositories: 0, images: 0, failed: 1 };
      })
      .finally(() => running.delete(upstream));
    running.set(upstream, pass);
    return pass;
  };

  return {
    async beforeRead(read) {
      if (!onDemand.covers(read.repository)) return undefined;
      try {
        if (read.kind === 'manifest') return await onDemand.image(read.repository, read.reference);
        await onDemand.referrers(read.repository, read.reference);
        return undefined;
      } catch (error) {
        // never fail the pull because of the upstream: the store answers with what it has
        logger.error('sync: on-demand sync failed', {
          repo: read.repository,
          reference: read.reference,
          error: (error as Error).message,
        });
        return undefined;
      }
    },
    blobInFlight: (repository, digest) => onDemand.inFlight.blob(repository, digest),
    pollAll: () => Promise.all(periodic.map(poll)),
    start() {
      for (const upstream of periodic) {
        void poll(upstream);
        const timer = setInterval(() => void poll(upstream), upstream.options.pollIntervalMs);
        timer.unref();
        timers.push(timer);
      }
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      stopping.abort();
      await Promise.allSettled([...running.values()]);
      for (const upstream of upstreams) upstream.close();
    },
  };
}

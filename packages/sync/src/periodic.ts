// Periodic sync of one upstream (zot's TaskGenerator over SyncRepo): list the upstream catalog, keep the
// repositories a content rule matches, filter each one's tags by that rule ON THE UPSTREAM NAME (zot #4003),
// map the name to its destination, and sync every tag that is new or changed. Cosign and referrers-schema
// tags are left to the referrers pass of their subject. Up to IMAGES_AT_ONCE images are copied at a time:
// with small layers a copy is mostly round trips (manifest, referrers, blob stats), which one image at a time
// leaves idle (sync-bench.ts, docs/sync.md "Figures").
import type { SyncLogger } from './options.js';
import { isSignatureOrReferrersTag } from './signatures.js';
import type { Upstream } from './upstream.js';

export interface PollSummary {
  repositories: number;
  images: number;
  failed: number;
}

const IMAGES_AT_ONCE = 4;

export async function pollUpstream(
  upstream: Upstream,
  logger: SyncLogger,
  signal?: AbortSignal,
): Promise<PollSummary> {
  const summary: PollSummary = { repositories: 0, images: 0, failed: 0 };
  const repositories = await upstream.withFailover(async (client) => {
    const names: string[] = [];
    for await (const name of client.listRepositories(signal === undefined ? {} : { signal }))
      names.push(name);
    return names;
  });
  // copies in flight: a repository's tags are listed while earlier images are still copying
  const copying = new Set<Promise<void>>();
  const copy = async (work: () => Promise<void>) => {
    while (copying.size >= IMAGES_AT_ONCE) await Promise.race(copying);
    // syncImage reports its own failures; anything else thrown still counts, and never goes unhandled
    const running = work()
      .catch((error: unknown) => {
        summary.failed++;
        logger.error('sync: failed to sync image', {
          remote: upstream.name,
          error: (error as Error).message,
        });
      })
      .finally(() => copying.delete(running));
    copying.add(running);
  };
  for (const upstreamRepository of repositories) {
    if (signal?.aborted) break;
    if (!upstream.rules.matchesUpstream(upstreamRepository)) continue;
    const localRepository = upstream.rules.destinationOf(upstreamRepository);
    if (localRepository === undefined) continue;
    summary.repositories++;
    logger.info('sync: syncing repo', {
      remote: upstream.name,
      repo: upstreamRepository,
      destination: localRepository,
    });
    let tags: string[];
    try {
      tags = await upstream.withFailover(async (client) => {
        const all: string[] = [];
        for await (const tag of client.listTags(upstreamRepository, signal === undefined ? {} : { signal }))
          all.push(tag);
        return all;
      });
    } catch (error) {
      logger.error('sync: failed to list tags', {
        remote: upstream.name,
        repo: upstreamRepository,
        error: (error as Error).message,
      });
      summary.failed++;
      continue;
    }
    const wanted = upstream.rules
      .filterTags(upstreamRepository, tags)
      .filter((tag) => !isSignatureOrReferrersTag(tag));
    const knownTags = tags;
    for (const tag of wanted) {
      if (signal?.aborted) break;
      await copy(async () => {
        const report = await upstream.syncImage({
          upstreamRepository,
          localRepository,
          reference: tag,
          mode: 'periodic',
          knownTags,
        });
        summary.images++;
        if (report.outcome === 'failed') summary.failed++;
      });
    }
  }
  await Promise.all(copying);
  return summary;
}

// Periodic sync of one upstream (zot's TaskGenerator over SyncRepo): list the upstream catalog, keep the
// repositories a content rule matches, filter each one's tags by that rule ON THE UPSTREAM NAME (zot #4003),
// map the name to its destination, and sync every tag that is new or changed. Cosign and referrers-schema
// tags are left to the referrers pass of their subject.
import type { SyncLogger } from './options.js';
import { isSignatureOrReferrersTag } from './signatures.js';
import type { Upstream } from './upstream.js';

export interface PollSummary {
  repositories: number;
  images: number;
  failed: number;
}

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
    for (const tag of wanted) {
      if (signal?.aborted) break;
      const report = await upstream.syncImage({
        upstreamRepository,
        localRepository,
        reference: tag,
        mode: 'periodic',
        knownTags: tags,
      });
      summary.images++;
      if (report.outcome === 'failed') summary.failed++;
    }
  }
  return summary;
}

// Per-tag push and pull times on Redis: tagtime:<repository>\0<tag> -> TagTimeRecord, and tagtimes:<repository>
// -> set of tags, so one repository lists with one set read. Each change is one optimistic transaction: a pull
// counted on one instance while another pushes the tag is never lost or applied to the wrong digest.
import { createPullBatcher, type PullTally, type TagTimeRecord, type TagTimeStore } from '@zot-ts/metastore';
import { decodeRecord, encodeRecord } from './json-codec.js';
import type { OptimisticTx, TxView } from './optimistic-tx.js';

const isDigest = (reference: string): boolean => reference.includes(':');

export interface RedisTagTimesOptions {
  /**
   * Pulls wait this long and share one transaction per repository (default 0: each pull is written at once).
   * Every manifest GET records one; a pull lost with a crashed instance only makes retention keep a tag longer.
   */
  pullSettleMs?: number;
}

export function redisTagTimes(
  engine: OptimisticTx,
  prefix: string,
  options: RedisTagTimesOptions = {},
): TagTimeStore & { flush(): Promise<void> } {
  const settleMs = options.pullSettleMs ?? 0;
  const keyOf = (repository: string, tag: string) => `${prefix}tagtime:${repository}\0${tag}`;
  const tagsOf = (repository: string) => `${prefix}tagtimes:${repository}`;
  const recordOf = (view: TxView, repository: string, tag: string): TagTimeRecord | undefined => {
    const text = view.get(keyOf(repository, tag));
    return text === undefined ? undefined : decodeRecord<TagTimeRecord>(text);
  };
  const all = (view: TxView, repository: string): TagTimeRecord[] =>
    view
      .members(tagsOf(repository))
      .map((tag) => recordOf(view, repository, tag))
      .filter((record): record is TagTimeRecord => record !== undefined);

  const applyPulls = (repository: string, pulls: Map<string, PullTally>) =>
    engine.write((view) => {
      const everyTag = [...pulls.keys()].some(isDigest) ? all(view, repository) : [];
      for (const [reference, { count, at }] of pulls) {
        const matches = isDigest(reference)
          ? everyTag.filter((record) => record.digest === reference)
          : [recordOf(view, repository, reference)].filter((record) => record !== undefined);
        for (const record of matches) {
          const current = recordOf(view, repository, record.tag) ?? record;
          view.set(
            keyOf(repository, record.tag),
            encodeRecord({ ...current, lastPulledAt: at, pullCount: current.pullCount + count }),
          );
        }
      }
    });

  // one optimistic transaction per repository and batch
  const pulls = createPullBatcher({
    settleMs,
    write: async (batch) => {
      await Promise.all([...batch].map(([repository, references]) => applyPulls(repository, references)));
    },
  });
  const { flush } = pulls;

  return {
    flush,
    recordPush: async (repository, tag, digest, at) => {
      await flush(); // pulls recorded before this push count for the digest they saw
      return engine.write((view) => {
        const existing = recordOf(view, repository, tag);
        const next: TagTimeRecord = { repository, tag, digest, pushedAt: at, pullCount: 0 };
        // a re-push of the same digest keeps the pull history; a new digest starts afresh
        if (existing?.digest === digest) {
          next.pullCount = existing.pullCount;
          if (existing.lastPulledAt) next.lastPulledAt = existing.lastPulledAt;
        }
        view.set(keyOf(repository, tag), encodeRecord(next));
        view.sadd(tagsOf(repository), tag);
      });
    },
    recordPull: (repository, reference, at) => pulls.add(repository, reference, at),
    list: async (repository) => {
      await flush();
      return engine.read((view) => all(view, repository));
    },
    forget: async (repository, tag) => {
      await flush();
      return engine.write((view) => {
        view.del(keyOf(repository, tag));
        view.srem(tagsOf(repository), tag);
      });
    },
  };
}

// Per-tag push and pull times in LMDB, keyed `${repository}\0${tag}` so one repository is one key range.
// Pulls may be batched: every manifest GET records one, and a pull time lost in a crash only makes retention keep
// a tag a little longer.
import { createPullBatcher, type TagTimeRecord, type TagTimeStore } from '@zot-ts/metastore';
import { writeTx } from './lmdb-collections.js';
import type { MetaEnv } from './lmdb-env.js';

const tagKey = (repository: string, tag: string): string => `${repository}\0${tag}`;
const isDigest = (reference: string): boolean => reference.includes(':');

export interface TagTimesOptions {
  /**
   * Pulls wait this long and share one transaction (default 0: each pull is written at once). Every manifest GET
   * records a pull; a pull time lost in a crash only makes retention keep a tag a little longer.
   */
  pullSettleMs?: number;
}

export function lmdbTagTimes(
  env: MetaEnv,
  options: TagTimesOptions = {},
): TagTimeStore & { flush(): Promise<void> } {
  const tagTimes = env.db.tagTimes;
  const settleMs = options.pullSettleMs ?? 0;
  const ofRepository = (repository: string) =>
    tagTimes
      .getRange({ start: `${repository}\0`, end: `${repository}\u0001` })
      .map(({ key, value }) => ({ key, record: value as TagTimeRecord }));

  const applyPull = (repository: string, reference: string, count: number, at: Date): void => {
    const matches = isDigest(reference)
      ? [...ofRepository(repository)].filter(({ record }) => record.digest === reference)
      : [tagTimes.get(tagKey(repository, reference)) as TagTimeRecord | undefined]
          .filter((record) => record !== undefined)
          .map((record) => ({ key: tagKey(repository, reference), record }));
    for (const { key, record } of matches) {
      void tagTimes.put(key, { ...record, lastPulledAt: at, pullCount: record.pullCount + count });
    }
  };
  const pulls = createPullBatcher({
    settleMs,
    write: (batch) =>
      writeTx(env, () => {
        for (const [repository, references] of batch)
          for (const [reference, { count, at }] of references) applyPull(repository, reference, count, at);
      }),
  });
  /** Issues the pending pulls' transaction now (before any write issued after this call). */
  const flushPulls = pulls.flush;

  return {
    recordPush: (repository, tag, digest, at) => {
      void flushPulls(); // pulls recorded before this push count for the digest they saw
      return writeTx(env, () => {
        const existing = tagTimes.get(tagKey(repository, tag)) as TagTimeRecord | undefined;
        const next: TagTimeRecord = { repository, tag, digest, pushedAt: at, pullCount: 0 };
        // A re-push of the same digest keeps the pull history; a new digest starts afresh.
        if (existing?.digest === digest) {
          next.pullCount = existing.pullCount;
          if (existing.lastPulledAt) next.lastPulledAt = existing.lastPulledAt;
        }
        void tagTimes.put(tagKey(repository, tag), next);
      });
    },
    recordPull: (repository, reference, at) => pulls.add(repository, reference, at),
    async list(repository) {
      await flushPulls();
      return [...ofRepository(repository)].map(({ record }) => record);
    },
    forget: (repository, tag) => {
      void flushPulls();
      return writeTx(env, () => {
        void tagTimes.remove(tagKey(repository, tag));
      });
    },
    /** Issues the pending pulls now (close() calls it before the database closes). */
    flush: flushPulls,
  };
}

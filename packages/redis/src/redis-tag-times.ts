// Per-tag push and pull times on Redis: tagtime:<repository>\0<tag> -> TagTimeRecord, and tagtimes:<repository>
// -> set of tags, so one repository lists with one set read. Each change is one optimistic transaction: a pull
// counted on one instance while another pushes the tag is never lost or applied to the wrong digest.
import type { TagTimeRecord, TagTimeStore } from '@zot-ts/metastore';
import { decodeRecord, encodeRecord } from './json-codec.js';
import type { OptimisticTx, TxView } from './optimistic-tx.js';

const isDigest = (reference: string): boolean => reference.includes(':');

export function redisTagTimes(engine: OptimisticTx, prefix: string): TagTimeStore {
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

  return {
    recordPush: (repository, tag, digest, at) =>
      engine.write((view) => {
        const existing = recordOf(view, repository, tag);
        const next: TagTimeRecord = { repository, tag, digest, pushedAt: at, pullCount: 0 };
        // a re-push of the same digest keeps the pull history; a new digest starts afresh
        if (existing?.digest === digest) {
          next.pullCount = existing.pullCount;
          if (existing.lastPulledAt) next.lastPulledAt = existing.lastPulledAt;
        }
        view.set(keyOf(repository, tag), encodeRecord(next));
        view.sadd(tagsOf(repository), tag);
      }),
    recordPull: (repository, reference, at) =>
      engine.write((view) => {
        const matches = isDigest(reference)
          ? all(view, repository).filter((record) => record.digest === reference)
          : [recordOf(view, repository, reference)].filter((record) => record !== undefined);
        for (const record of matches) {
          view.set(
            keyOf(repository, record.tag),
            encodeRecord({ ...record, lastPulledAt: at, pullCount: record.pullCount + 1 }),
          );
        }
      }),
    list: (repository) => engine.read((view) => all(view, repository)),
    forget: (repository, tag) =>
      engine.write((view) => {
        view.del(keyOf(repository, tag));
        view.srem(tagsOf(repository), tag);
      }),
  };
}

// Push and pull times per tag, for retention's keepTags rules (pushedWithin, pulledWithin, the most
// recently pushed/pulled counts). zot keeps them in its MetaDB (LastUpdated on push, statistics on pull);
// here the store's events give pushes and tag deletions, and the API's observer gives manifest downloads.
// Each record changes the metastore's in-memory state at once, in event order (so a tag's push and its later
// deletion land in that order), and the file store batches the writes (compose gives tagTimes a settle time):
// no request waits for them, and they are not written one after the other.
import type { MetaStore } from '@zot-ts/metastore';
import type { OciApiObserver } from '@zot-ts/oci-api';
import type { StoreEvent } from '@zot-ts/oci-store';
import type { Logger } from '../log-sink.js';

export interface TagTimeRecorder {
  /** Subscribe to the store: `manifestPut` with a tag records a push, `tagDeleted` forgets the tag. */
  onStoreEvent(event: StoreEvent): void;
  /** For the API: a manifest GET (not HEAD, as zot counts downloads) records a pull of that reference. */
  observer: OciApiObserver;
  /** Resolves once every time recorded so far is written. */
  flush(): Promise<void>;
}

export interface TagTimeRecorderOptions {
  metaStore: MetaStore;
  logger: Logger;
  now?: () => Date;
}

export function createTagTimeRecorder(options: TagTimeRecorderOptions): TagTimeRecorder {
  const { metaStore, logger } = options;
  const now = options.now ?? (() => new Date());
  const pending = new Set<Promise<void>>();

  function record(what: string, fields: Record<string, unknown>, write: () => Promise<void>): void {
    const written = write().catch((error: unknown) => {
      // a lost time only makes retention keep the tag ("tag statistics not found"); never fail a request
      logger.warn(`failed to record tag ${what} time`, {
        module: 'gc',
        ...fields,
        error: error instanceof Error ? error.message : String(error),
      });
    });
    pending.add(written);
    void written.finally(() => pending.delete(written));
  }

  return {
    onStoreEvent(event) {
      if (event.type === 'manifestPut' && event.tag !== undefined) {
        const { repository, tag, digest } = event;
        const at = now();
        record('push', { repository, tag }, () => metaStore.tagTimes.recordPush(repository, tag, digest, at));
      } else if (event.type === 'tagDeleted') {
        const { repository, tag } = event;
        record('deletion', { repository, tag }, () => metaStore.tagTimes.forget(repository, tag));
      }
    },
    observer(event) {
      if (event.type !== 'manifestDownloaded') return;
      const { repository, reference } = event;
      const at = now();
      // by tag: that tag; by digest: every tag pointing at it (the metastore decides)
      record('pull', { repository, reference }, () =>
        metaStore.tagTimes.recordPull(repository, reference, at),
      );
    },
    async flush() {
      await Promise.all(pending);
    },
  };
}

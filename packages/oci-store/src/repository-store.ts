// One repository's role stores, bound to its storage context.
import { createBlobStore } from './blob-store.js';
import type { EventHub } from './events.js';
import { layout } from './layout.js';
import { createManifestStore } from './manifest-store.js';
import { readIndexView } from './oci-index.js';
import { createReferrersStore } from './referrers-store.js';
import type { DriverStat } from './storage-driver.js';
import type { StoreContext } from './store-context.js';
import type { RepositoryOptions, RepositoryStore } from './store-types.js';
import { createTagStore } from './tag-store.js';
import { createUploadStore } from './upload-store.js';

export interface BoundRepositoryStore extends RepositoryStore {
  /** The storage root holding this repository (internal: for mounts across roots). */
  readonly context: StoreContext;
}

function fingerprintOf(stat: DriverStat): string {
  return stat.version ?? `${stat.size}:${stat.modifiedAt.getTime()}`;
}

/** The root's event hub, with the request's actor put on every event emitted through it. */
function eventsWithActor(events: EventHub, actor: RepositoryOptions['actor']): EventHub {
  if (actor === undefined) return events;
  return {
    emit(event) {
      const who = actor();
      events.emit(who === undefined ? event : { ...event, actor: who });
    },
    subscribe: (observer) => events.subscribe(observer),
  };
}

export function createRepositoryStore(
  context: StoreContext,
  name: string,
  options: RepositoryOptions = {},
): BoundRepositoryStore {
  const events = eventsWithActor(context.events, options.actor);
  return {
    name,
    context,
    blobs: createBlobStore(context, name, events),
    uploads: createUploadStore(context, name, events),
    manifests: createManifestStore(context, name, events),
    tags: createTagStore(context, name),
    referrers: createReferrersStore(context, name),
    async exists() {
      const { driver } = context;
      return (
        (await driver.stat(layout.indexPath(name))) !== undefined ||
        (await driver.stat(layout.ociLayoutPath(name))) !== undefined
      );
    },
    async indexFingerprint() {
      const found = await context.driver.stat(layout.indexPath(name));
      return found === undefined ? undefined : fingerprintOf(found);
    },
    async indexManifests() {
      // stat first: if the file changes before the read, the older fingerprint only causes one more re-read later
      const found = await context.driver.stat(layout.indexPath(name));
      const view = found === undefined ? undefined : await readIndexView(context.driver, name);
      if (found === undefined || view === undefined) return undefined;
      return { fingerprint: fingerprintOf(found), manifests: view.index.manifests };
    },
  };
}

// The embedded default: the in-memory index, loaded from and saved to one JSON file per collection
// in `directory` (the registry puts it at `<storage root>/.zot-ts-meta/`: repository names are
// lowercase alphanumeric paths (distribution-spec), so a leading dot can never name a repository).
//
// Writes are atomic (temp + fsync + rename) and serialized per collection. Mutations that arrive while
// a file is being written are coalesced into one following write, so a burst of pulls costs two
// writes, not one per pull. A mutation resolves once a write that includes it is durable.
// One process owns the directory; several instances sharing state need the Redis store (later).
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import {
  COLLECTION_NAMES,
  type CollectionName,
  createStateStore,
  emptyState,
  type MetaState,
} from './meta-state.js';
import { decodeCollection, encodeCollection } from './state-codec.js';
import {
  type ApiKeyRecord,
  type MetaStore,
  MetaStoreError,
  type SessionRecord,
  type SignatureResult,
  type TagTimeRecord,
  type UserRecord,
} from './types.js';

/** Directory name under the storage root where the registry keeps its metadata. */
export const DEFAULT_METADATA_DIRECTORY_NAME = '.zot-ts-meta';

export interface FileMetaStoreOptions {
  /** Created when missing. */
  directory: string;
  /**
   * How long a collection waits after a change before it writes, so that changes arriving meanwhile share the
   * write (default 0: write at once). The registry gives tagTimes a second: every manifest GET records a pull,
   * and rewriting the file for each one costs more than the pull itself; a time lost in a crash only makes
   * retention keep a tag.
   */
  settleMs?: Partial<Record<CollectionName, number>>;
  /** Called after each durable write of a collection (for tests and metrics). */
  onPersisted?: (collection: CollectionName) => void;
}

const FILE_NAMES: Record<CollectionName, string> = {
  users: 'users.json',
  apiKeys: 'api-keys.json',
  sessions: 'sessions.json',
  tagTimes: 'tag-times.json',
  signatureResults: 'signature-results.json',
};

/** The records of a file store directory, for migrating it elsewhere; undefined when the directory is absent. */
export interface FileMetaSnapshot {
  users: UserRecord[];
  apiKeys: ApiKeyRecord[];
  sessions: SessionRecord[];
  tagTimes: TagTimeRecord[];
  signatureResults: SignatureResult[];
}

export async function readFileMetaDirectory(directory: string): Promise<FileMetaSnapshot | undefined> {
  const found = await stat(directory).catch(() => undefined);
  if (!found?.isDirectory()) return undefined;
  const state = await loadState(directory);
  return {
    users: [...state.users.values()],
    apiKeys: [...state.apiKeys.values()],
    sessions: [...state.sessions.values()],
    tagTimes: [...state.tagTimes.values()],
    signatureResults: [...state.signatureResults.values()],
  };
}

async function loadState(directory: string): Promise<MetaState> {
  const state = emptyState();
  for (const collection of COLLECTION_NAMES) {
    const path = join(directory, FILE_NAMES[collection]);
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (text !== undefined) decodeCollection(state, collection, text, path);
  }
  return state;
}

export async function createFileMetaStore(options: FileMetaStoreOptions): Promise<MetaStore> {
  const { directory } = options;
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const state = await loadState(directory);

  let closed = false;
  const writers = new Map<CollectionName, CoalescingWriter>(
    COLLECTION_NAMES.map((collection) => [
      collection,
      new CoalescingWriter(async () => {
        await writeFileAtomic(join(directory, FILE_NAMES[collection]), encodeCollection(state, collection));
        options.onPersisted?.(collection);
      }, options.settleMs?.[collection] ?? 0),
    ]),
  );

  const persist = (collection: CollectionName): Promise<void> => {
    if (closed) return Promise.reject(new MetaStoreError('CLOSED', 'metadata store is closed'));
    return (writers.get(collection) as CoalescingWriter).flush();
  };
  const close = async (): Promise<void> => {
    closed = true;
    await Promise.allSettled([...writers.values()].map((writer) => writer.idle()));
  };
  return createStateStore(state, persist, close);
}

/**
 * Runs `write` one at a time; callers arriving during a write, or during the settle time before one, share
 * the single next write.
 */
class CoalescingWriter {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(
    private readonly write: () => Promise<void>,
    private readonly settleMs: number,
  ) {}

  flush(): Promise<void> {
    if (this.next) return this.next;
    if (!this.running && this.settleMs === 0) return this.start();
    const after = (this.running ?? Promise.resolve()).catch(() => undefined);
    this.next = after
      .then(() => (this.settleMs > 0 ? new Promise((done) => setTimeout(done, this.settleMs)) : undefined))
      .then(() => {
        this.next = undefined;
        return this.start();
      });
    return this.next;
  }

  async idle(): Promise<void> {
    while (this.running || this.next) await (this.next ?? this.running)?.catch(() => undefined);
  }

  private start(): Promise<void> {
    const running = this.write().finally(() => {
      if (this.running === running) this.running = undefined;
    });
    this.running = running;
    return running;
  }
}

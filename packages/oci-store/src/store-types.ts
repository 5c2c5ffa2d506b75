// The role interfaces of the store, as consumed by oci-api, the registry, GC and later sync/search.
// Implementations live beside this file; callers depend only on these shapes.
import type { Readable } from 'node:stream';

/** `<algorithm>:<hex>`, validated (see digest.ts). */
export type Digest = string;

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
  platform?: {
    architecture: string;
    os: string;
    variant?: string;
    'os.version'?: string;
    'os.features'?: string[];
  };
  urls?: string[];
  data?: string;
}

export interface BlobInfo {
  digest: Digest;
  size: number;
}

/** An inclusive byte range, as HTTP Range uses: bytes start..end. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobStore {
  /** Size of the blob in this repository, or throws BLOB_UNKNOWN. */
  stat(digest: Digest): Promise<BlobInfo>;
  /** Streams the blob (or one range of it), read in 1 MiB chunks; throws BLOB_UNKNOWN. */
  read(digest: Digest, range?: ByteRange): Promise<Readable>;
  /** Deletes the blob from this repository; throws BLOB_UNKNOWN, or BLOB_IN_USE while a manifest references it. */
  delete(digest: Digest): Promise<void>;
  /** Makes a blob of another repository available here, in O(1) (hard link or shared reference). Returns false when the source has no such blob. */
  mount(digest: Digest, fromRepository: string): Promise<boolean>;
  /** The whole content of a small blob (an image config) in one read, without a stream; throws BLOB_UNKNOWN. */
  content?(digest: Digest): Promise<Uint8Array>;
  /** The media type of the blob as recorded by a manifest referencing it, when known. */
  mediaTypeOf?(digest: Digest): Promise<string | undefined>;
}

export interface UploadStatus {
  uploadSessionId: string;
  /** Bytes received so far; the next chunk must start at this offset. */
  offset: number;
  startedAt: Date;
}

export interface UploadStore {
  start(): Promise<UploadStatus>;
  /**
   * Appends a chunk. `offset` (when the client sent Content-Range) must equal the current size, else RANGE_INVALID.
   * `expectedLength` (Content-Length) is checked against the bytes actually received: SIZE_INVALID.
   * The body is streamed to disk while hashing; never buffered whole.
   */
  append(
    uploadSessionId: string,
    body: AsyncIterable<Uint8Array> | Readable,
    options?: { offset?: number; expectedLength?: number; signal?: AbortSignal },
  ): Promise<UploadStatus>;
  status(uploadSessionId: string): Promise<UploadStatus>;
  /** Checks the digest of everything received and moves the blob into place (dedupe applies). DIGEST_INVALID on mismatch. */
  finish(uploadSessionId: string, digest: Digest): Promise<BlobInfo>;
  cancel(uploadSessionId: string): Promise<void>;
  /** One-shot upload of a whole blob (POST ?digest= monolithic, or blob writes by libraries). */
  putBlob(
    body: AsyncIterable<Uint8Array> | Readable,
    digest: Digest,
    options?: { expectedLength?: number; signal?: AbortSignal },
  ): Promise<BlobInfo>;
}

export interface StoredManifest {
  digest: Digest;
  mediaType: string;
  /** The exact bytes that were pushed (digests are over these bytes). Manifests are small (<= 4 MiB). */
  content: Uint8Array;
  size: number;
}

export interface PutManifestResult {
  digest: Digest;
  /** Set when the manifest has a `subject` (the referrers API answers with OCI-Subject on push). */
  subject?: Digest;
  /** True when a tag moved from one manifest to another (the `update` action, for authorization). */
  tagExisted: boolean;
}

export interface ManifestStore {
  /** `reference` is a tag or a digest. Throws MANIFEST_UNKNOWN (or NAME_UNKNOWN when the repository does not exist). */
  get(reference: string): Promise<StoredManifest>;
  /** Like get without the content, cheap. */
  stat(reference: string): Promise<Omit<StoredManifest, 'content'>>;
  /**
   * Validates (JSON, media type equals the body's `mediaType` when present, every referenced blob and child manifest exists)
   * and stores the manifest; `reference` is a tag or the digest of the body. `tags` are extra tags to point at it (PUT ?tag=).
   */
  put(
    reference: string,
    mediaType: string,
    content: Uint8Array,
    options?: { tags?: string[] },
  ): Promise<PutManifestResult>;
  /**
   * By tag: removes the tag only. By digest: removes the manifest and every tag pointing at it; with
   * `detectCollision` (zot's detectManifestCollision behaviour), a digest that several index entries (tags)
   * share is refused with MANIFEST_INVALID instead, and nothing is removed.
   */
  delete(reference: string, options?: { detectCollision?: boolean }): Promise<void>;
}

export interface TagPage {
  name: string;
  tags: string[];
  /** Present when more tags follow: pass as `last` for the next page. */
  next?: string;
}

export interface TagStore {
  /** Sorted lexically; `n` limits the count, `last` starts after that tag. NAME_UNKNOWN when the repository does not exist. */
  list(options?: { n?: number; last?: string }): Promise<TagPage>;
  /** Tags with their manifest descriptors, for UIs, zli and retention. */
  entries(): Promise<Array<{ tag: string; descriptor: Descriptor }>>;
}

export interface ReferrersStore {
  /** Descriptors of manifests whose `subject` is `digest` (artifactType from the manifest, or its config media type). */
  list(subject: Digest, options?: { artifactType?: string }): Promise<Descriptor[]>;
}

export interface RepositoryStore {
  readonly name: string;
  readonly blobs: BlobStore;
  readonly uploads: UploadStore;
  readonly manifests: ManifestStore;
  readonly tags: TagStore;
  readonly referrers: ReferrersStore;
  exists(): Promise<boolean>;
  /**
   * Changes whenever index.json may have changed (the driver's version of the file, else its size and modification
   * time); undefined when the repository has no index.json. Lets a metadata database re-read only what changed.
   */
  indexFingerprint(): Promise<string | undefined>;
  /** Every entry of index.json (tagged or not) with the fingerprint of the file read; never mutate them. */
  indexManifests(): Promise<{ fingerprint: string; manifests: readonly Descriptor[] } | undefined>;
}

export interface CatalogPage {
  repositories: string[];
  next?: string;
}

export interface ScrubFinding {
  repository: string;
  kind: 'blob' | 'manifest' | 'index';
  digest?: Digest;
  problem: string;
}

/** One image (an index.json entry) judged by the scrub, in zot's terms (pkg/storage/scrub.go ScrubImageResult). */
export interface ScrubImageResult {
  repository: string;
  /** The entry's tag; '' when untagged. */
  tag: string;
  digest: Digest;
  status: 'ok' | 'affected';
  /** Hex digest of the first bad blob (zot writes no algorithm); '' when ok. */
  affectedBlob: string;
  /** zot's error text: 'blob not found', 'bad blob digest', 'invalid manifest content'; '' when ok. */
  error: string;
}

export interface ScrubReport {
  repositories: number;
  manifestsChecked: number;
  blobsChecked: number;
  findings: ScrubFinding[];
}

/** Events the store emits. Observers (metrics, audit, sync, signature checks) subscribe; the store imports none of them. */
/**
 * Who made the request that changed the store, as far as the caller knows (events sinks and the metadata
 * database's pushedBy report it). Absent for changes no request made: GC, retention, sync.
 */
export interface StoreActor {
  user?: string;
  clientIp?: string;
}

/** A store event; `actor` when the repository store was opened for a request (`Store.repository`'s `actor`). */
export type StoreEvent = StoreEventBody & { actor?: StoreActor };

type StoreEventBody =
  | { type: 'blobWritten'; repository: string; digest: Digest; size: number; deduped: boolean }
  | { type: 'blobDeleted'; repository: string; digest: Digest }
  | {
      type: 'manifestPut';
      repository: string;
      digest: Digest;
      mediaType: string;
      tag?: string;
      /** Every tag the push set, when it set more than one (`?tag=`); `tag` is the first. */
      tags?: string[];
      subject?: Digest;
      artifactType?: string;
    }
  /** mediaType: of the index entry removed, when the store knew it (events sinks report it, as zot). */
  | { type: 'manifestDeleted'; repository: string; digest: Digest; mediaType?: string }
  | { type: 'tagDeleted'; repository: string; tag: string; digest: Digest; mediaType?: string }
  /** A repository's index.json was written for the first time (zot: RepositoryCreated in initRepo). */
  | { type: 'repositoryCreated'; repository: string }
  | { type: 'uploadStarted'; repository: string; uploadSessionId: string }
  | { type: 'uploadFinished'; repository: string; uploadSessionId: string; digest: Digest; size: number }
  /** A session that ends without a blob: cancelled by the client, failed, or swept by GC as abandoned. */
  | { type: 'uploadCancelled'; repository: string; uploadSessionId: string }
  | {
      type: 'gcRun';
      repository: string;
      durationMs: number;
      deleted: { blob: number; manifest: number; upload: number };
      reclaimedBytes: number;
      error?: string;
      /** Tags retention removed. */
      tagsDeleted?: number;
      /** What dry-run decisions would have deleted (retention dryRun, or a whole dry run); absent when none. */
      dryRun?: { blob: number; manifest: number; upload: number; tag: number };
    };

export type StoreObserver = (event: StoreEvent) => void;

export interface RepositoryOptions {
  actor?: () => StoreActor | undefined;
}

export interface Store {
  /**
   * Throws NAME_INVALID for a name outside the distribution-spec grammar (and any path traversal attempt).
   * `actor`: asked when this repository store emits an event (so authentication may still run after this
   * call), and put on the event. Explicit, where an AsyncLocalStorage would tag every promise of the process.
   */
  repository(name: string, options?: RepositoryOptions): RepositoryStore;
  /** Sorted, paginated list of repositories that hold at least one manifest or blob. */
  catalog(options?: { n?: number; last?: string }): Promise<CatalogPage>;
  scrub(options?: { signal?: AbortSignal }): Promise<ScrubReport>;
  /** Judges every image of one repository, as zot's periodic scrub; throws when it has no index.json. */
  scrubImages(
    repository: string,
    options?: { signal?: AbortSignal; onImage?: (result: ScrubImageResult) => void },
  ): Promise<ScrubImageResult[]>;
  /** Subscribes to store events; returns the unsubscribe function. */
  subscribe(observer: StoreObserver): () => void;
}

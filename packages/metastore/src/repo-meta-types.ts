// Repository and image metadata: what the search API (GraphQL) and the UI read, kept in step with storage
// through the store's events. Modelled on zot's pkg/meta/types (RepoMeta, ImageMeta, ManifestMeta), so the
// search resolvers can follow zot's logic field for field. Every MetaStore implementation (memory, LMDB,
// Redis later) runs the shared suite. Records handed out are copies.
import type { PullTally } from './pull-batch.js';

/** An OCI image manifest or index body, parsed; kept whole as zot keeps `ispec.Manifest` / `ispec.Index`. */
export type OciJson = Record<string, unknown>;

/** One image manifest with its parsed config (zot's ManifestMeta). */
export interface ManifestMeta {
  digest: string;
  size: number;
  mediaType: string;
  /** The manifest body, parsed (layers, config descriptor, annotations, subject, artifactType). */
  manifest: OciJson;
  /** The config blob, parsed when it is an image config (created, author, os, architecture, config, history);
   * `{}` for artifacts whose config is not JSON or is the empty descriptor. */
  config: OciJson;
}

/** A manifest or an index with all the manifests under it (zot's ImageMeta). Keyed by `digest`. */
export interface ImageMeta {
  digest: string;
  size: number;
  mediaType: string;
  /** Present for an index (multi-arch image): its parsed body. */
  index?: OciJson;
  /** One entry for a plain manifest; one per child manifest for an index (children that are indexes skipped). */
  manifests: ManifestMeta[];
}

export interface TagDescriptor {
  digest: string;
  mediaType: string;
  taggedAt: Date;
}

/** Per-digest statistics of a repository (zot's DescriptorStatistics). */
export interface DescriptorStatistics {
  downloadCount: number;
  lastPullAt?: Date;
  pushedAt?: Date;
  pushedBy?: string;
}

/** A referrer of a manifest in one repository (zot's ReferrerInfo). */
export interface ReferrerInfo {
  digest: string;
  mediaType: string;
  artifactType: string;
  size: number;
  annotations: Record<string, string>;
}

export type SignatureTool = 'cosign' | 'notation';

/** One signature of a manifest (zot's SignatureInfo + the trust outcome of its layers). */
export interface SignatureInfo {
  /** Digest of the signature manifest (a referrer, or a legacy `sha256-<hex>.sig` tag's manifest). */
  signatureManifestDigest: string;
  /** The legacy tag, when the signature is stored as a tag rather than a referrer. */
  signatureTag?: string;
  layers: {
    layerDigest: string;
    /** Public key or certificate that verified it, when known. */
    signatureKey?: string;
    signer?: string;
    /** When verification last ran. */
    checkedAt?: Date;
    /** When trust ends (a notation signature's or certificate's expiry): zot's LayersInfo.Date. */
    expiresAt?: Date;
    verified: boolean;
  }[];
}

/** Signatures of one manifest, by tool (zot's ManifestSignatures). */
export type ManifestSignatures = Partial<Record<SignatureTool, SignatureInfo[]>>;

/** Everything known of one repository (zot's RepoMeta). The derived fields are recomputed on every write. */
export interface RepoMeta {
  name: string;
  tags: Record<string, TagDescriptor>;
  /** Keyed by manifest/index digest. */
  statistics: Record<string, DescriptorStatistics>;
  /** Keyed by the digest of the signed manifest. */
  signatures: Record<string, ManifestSignatures>;
  /** Keyed by the subject digest. */
  referrers: Record<string, ReferrerInfo[]>;
  // Derived from the tagged images:
  lastUpdated?: { tag: string; digest: string; mediaType: string; at: Date };
  platforms: { os: string; architecture: string; variant?: string }[];
  vendors: string[];
  /** Sum of the distinct blobs (manifests, configs, layers) of the tagged images, in bytes. */
  size: number;
  starCount: number;
  downloadCount: number;
}

export interface RepoMetaStore {
  setImageMeta(image: ImageMeta): Promise<void>;
  getImageMeta(digest: string): Promise<ImageMeta | undefined>;
  /** Absent digests are left out of the map. */
  getImageMetas(digests: readonly string[]): Promise<Map<string, ImageMeta>>;
  /**
   * Records that `reference` (a tag, or the digest itself for an untagged push) of `repository` is `image`, whose
   * ImageMeta must have been set. A manifest with a subject becomes a referrer of it; a signature (cosign or
   * notation, by referrer or legacy tag) is added to the signed manifest's signatures.
   */
  setRepoReference(
    repository: string,
    reference: string,
    image: ImageMeta,
    push: { at: Date; pushedBy?: string },
  ): Promise<void>;
  /** A tag: removed from the tags. A digest: its statistics, signatures and referrer entries go when no tag still
   * points at it. Signatures and referrer entries *made by* that manifest are removed too. */
  removeRepoReference(repository: string, reference: string, manifestDigest: string): Promise<void>;
  getRepoMeta(repository: string): Promise<RepoMeta | undefined>;
  /** Every repository, in name order. */
  listRepoMetas(): Promise<RepoMeta[]>;
  repositoryNames(): Promise<string[]>;
  /**
   * A number that changes whenever any repository, image or preference record changes, in this process or another
   * sharing the store, so readers (the search API) may keep decoded records until it moves. Cheap to call.
   * Optional: a store without it is read afresh every time.
   */
  changeMarker?(): number;
  deleteRepoMeta(repository: string): Promise<void>;
  /** A pull of a tag or digest: counts for the digest it resolves to. Unknown references are ignored.
   * `count` (default 1) lets a caller that batches pulls record several at once; `at` is the latest. */
  recordDownload(repository: string, reference: string, at: Date, count?: number): Promise<void>;
  /** Several pulls of one repository in one write, by reference (tag or digest): a batching caller's flush
   *  costs one transaction per repository, not one per digest (on a shared store each write rereads and
   *  rewrites the RepoMeta). */
  recordDownloads(repository: string, downloads: ReadonlyMap<string, PullTally>): Promise<void>;
  /** Stores the trust outcome of a signature's layers after (re)verification. */
  updateSignatureTrust(
    repository: string,
    signedDigest: string,
    tool: SignatureTool,
    signature: SignatureInfo,
  ): Promise<void>;
}

export type ToggleResult = 'added' | 'removed';

/** Stars and bookmarks (zot's UserDB): a star counts in the repository's starCount; a bookmark is private. */
export interface UserPrefsStore {
  toggleStar(username: string, repository: string): Promise<ToggleResult>;
  toggleBookmark(username: string, repository: string): Promise<ToggleResult>;
  starredRepositories(username: string): Promise<string[]>;
  bookmarkedRepositories(username: string): Promise<string[]>;
}

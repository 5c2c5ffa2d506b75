// The ONE file that knows zot's on-disk layout. Everything else asks it for paths.
//
//   <root>/
//     <repo>/                       a repository is one OCI image layout (image-spec image-layout.md)
//       oci-layout                  {"imageLayoutVersion":"1.0.0"}
//       index.json                  OCI image index: every manifest of the repository, tagged ones with
//                                   the tag in annotations["org.opencontainers.image.ref.name"] (one
//                                   descriptor per tag), untagged ones (pushed by digest) without
//       blobs/
//         sha256/<hex>              layers, configs AND manifests, named by digest; with dedupe a blob
//         sha512/<hex>              present in several repositories is one inode (hard links)
//       .uploads/<uploadSessionId>  a blob upload in progress, appended in place, renamed into blobs/
//       .index.json.<rand>.tmp      only during an atomic replace of index.json
//     <org>/<repo>/...              nested names are nested directories; `org` may itself be a repository
//
// zot keeps its dedupe cache (cache.db) and metadata (meta.db) at the root; repositories may not use those
// names. Paths here are driver paths: '/'-separated and relative to the driver's root.
import { type DigestAlgorithm, formatDigest, isDigestAlgorithm, parseDigest } from './digest.js';
import type { Digest } from './store-types.js';

export const OCI_LAYOUT_FILE = 'oci-layout';
export const INDEX_FILE = 'index.json';
export const BLOBS_DIR = 'blobs';
export const UPLOADS_DIR = '.uploads';
export const OCI_LAYOUT_CONTENT = '{"imageLayoutVersion":"1.0.0"}';

/** Names inside a repository directory: a nested repository of that name would collide with them. */
const repositoryInternals: ReadonlySet<string> = new Set([OCI_LAYOUT_FILE, INDEX_FILE, BLOBS_DIR]);
/** Files zot keeps at the storage root. */
const rootFiles: ReadonlySet<string> = new Set(['cache.db', 'meta.db', 'cache']);

export function isReservedRepositoryComponent(component: string, position: number): boolean {
  return position === 0 ? rootFiles.has(component) : repositoryInternals.has(component);
}

export const layout = {
  ociLayoutPath: (repository: string): string => `${repository}/${OCI_LAYOUT_FILE}`,
  indexPath: (repository: string): string => `${repository}/${INDEX_FILE}`,
  blobsDir: (repository: string): string => `${repository}/${BLOBS_DIR}`,
  blobAlgorithmDir: (repository: string, algorithm: DigestAlgorithm): string =>
    `${repository}/${BLOBS_DIR}/${algorithm}`,
  /** Throws DIGEST_INVALID for a malformed digest, so no path is ever built from one. */
  blobPath: (repository: string, digest: Digest): string => {
    const { algorithm, hex } = parseDigest(digest);
    return `${repository}/${BLOBS_DIR}/${algorithm}/${hex}`;
  },
  uploadsDir: (repository: string): string => `${repository}/${UPLOADS_DIR}`,
  uploadPath: (repository: string, uploadSessionId: string): string =>
    `${repository}/${UPLOADS_DIR}/${uploadSessionId}`,
};

/** A directory is a repository when it holds index.json or oci-layout (zot's ValidateRepo is stricter). */
export function isRepositoryListing(entryNames: Iterable<string>): boolean {
  for (const name of entryNames) if (name === INDEX_FILE || name === OCI_LAYOUT_FILE) return true;
  return false;
}

/** Directories never descended into when looking for repositories. */
export function isLayoutDirectory(name: string): boolean {
  return name === BLOBS_DIR || name === UPLOADS_DIR || name.startsWith('.') || name.startsWith('_');
}

/** The digest a blob file name stands for, when `algorithm/hex` is a valid one. */
export function digestOfBlobFile(algorithm: string, hex: string): Digest | undefined {
  if (!isDigestAlgorithm(algorithm)) return undefined;
  const digest = formatDigest(algorithm, hex);
  try {
    parseDigest(digest);
    return digest;
  } catch {
    return undefined;
  }
}

/** Upload session ids are UUIDs we generate; anything else is refused before it reaches a path. */
export function isUploadSessionId(value: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/.test(value);
}

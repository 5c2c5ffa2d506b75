// The reading port: everything this package needs from a registry, in three calls, so the registry can
// plug its store in (and tests an in-memory map) without this package importing the store.

/**
 * An OCI descriptor, the subset this package reads. Structurally the same as oci-store's `Descriptor`
 * (packages/oci-store/src/store-types.ts), so the store's descriptors can be passed as they are.
 */
export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
}

export interface SourceManifest {
  digest: string;
  /** The exact bytes that were pushed. */
  content: Uint8Array;
}

export interface SignatureSource {
  /** Descriptors of the manifests whose `subject` is `digest` (the referrers API). */
  referrers(repository: string, digest: string): Promise<OciDescriptor[]>;
  /** A manifest by tag or digest; undefined (or a thrown not-found error) when there is none. */
  getManifest(repository: string, reference: string): Promise<SourceManifest | undefined>;
  /** The bytes of a blob; undefined (or a thrown not-found error) when there is none. */
  readBlob(repository: string, digest: string): Promise<Uint8Array | undefined>;
}

/** getManifest that treats any failure as absence: a missing `.sig` tag is the normal case. */
export async function manifestOrUndefined(
  source: SignatureSource,
  repository: string,
  reference: string,
): Promise<SourceManifest | undefined> {
  try {
    return await source.getManifest(repository, reference);
  } catch {
    return undefined;
  }
}

export async function blobOrUndefined(
  source: SignatureSource,
  repository: string,
  digest: string,
): Promise<Uint8Array | undefined> {
  try {
    return await source.readBlob(repository, digest);
  } catch {
    return undefined;
  }
}

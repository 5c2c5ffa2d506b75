// The store as @zot-ts/cosign's SignatureSource: the three reads the verifier makes (referrers, a manifest by
// tag or digest, a blob's bytes). Blobs are streamed into one buffer with a size cap, so a huge "signature"
// layer pushed by a client can never make the verifier hold gigabytes in memory.
import { MAX_SIGNATURE_BLOB_BYTES, type OciDescriptor, type SignatureSource } from '@zot-ts/cosign';
import type { Store } from '@zot-ts/oci-store';

export class SignatureBlobTooLargeError extends Error {
  constructor(digest: string, limit: number) {
    super(`blob ${digest} is larger than ${limit} bytes; not read as a signature`);
    this.name = 'SignatureBlobTooLargeError';
  }
}

export interface StoreSignatureSourceOptions {
  store: Store;
  /** Largest blob read into memory. Default: cosign's MAX_SIGNATURE_BLOB_BYTES (8 MiB). */
  maxBlobBytes?: number;
}

export function createStoreSignatureSource(options: StoreSignatureSourceOptions): SignatureSource {
  const { store } = options;
  const maxBlobBytes = options.maxBlobBytes ?? MAX_SIGNATURE_BLOB_BYTES;

  return {
    async referrers(repository: string, digest: string): Promise<OciDescriptor[]> {
      // A repository that does not exist has no referrers; any other failure propagates so that the
      // verifier does not cache "unsigned" because of a transient store error.
      const repositoryStore = store.repository(repository);
      if (!(await repositoryStore.exists())) return [];
      return repositoryStore.referrers.list(digest);
    },

    async getManifest(repository: string, reference: string) {
      const manifest = await store.repository(repository).manifests.get(reference);
      return { digest: manifest.digest, content: manifest.content };
    },

    async readBlob(repository: string, digest: string): Promise<Uint8Array> {
      const blobs = store.repository(repository).blobs;
      const { size } = await blobs.stat(digest);
      if (size > maxBlobBytes) throw new SignatureBlobTooLargeError(digest, maxBlobBytes);
      const chunks: Uint8Array[] = [];
      let received = 0;
      for await (const chunk of await blobs.read(digest)) {
        const bytes = chunk as Uint8Array;
        received += bytes.byteLength;
        // The stat above is the usual guard; this one holds even if the blob changed in between.
        if (received > maxBlobBytes) throw new SignatureBlobTooLargeError(digest, maxBlobBytes);
        chunks.push(bytes);
      }
      return Buffer.concat(chunks, received);
    },
  };
}

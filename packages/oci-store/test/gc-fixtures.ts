// Helpers for the GC suites: a clock past every delay, blob presence, image indexes.
import { digestOf } from '../src/digest.js';
import { createGcJob } from '../src/gc/gc-job.js';
import type { GcDecision, GcJobOptions } from '../src/gc/gc-types.js';
import { mediaTypes } from '../src/media-types.js';
import type { Digest, RepositoryStore, Store } from '../src/store-types.js';
import type { TestImage } from './fixtures.js';

export const HOUR = 60 * 60 * 1000;

/** A job whose clock runs two hours ahead, so everything on disk is older than its one-hour delay. */
export function jobLater(store: Store, options: Partial<GcJobOptions> = {}) {
  const decisions: GcDecision[] = [];
  const job = createGcJob({
    store,
    delayMs: HOUR,
    now: () => new Date(Date.now() + 2 * HOUR),
    onDecision: (decision) => decisions.push(decision),
    ...options,
  });
  return { job, decisions };
}

export async function hasBlob(repository: RepositoryStore, digest: Digest): Promise<boolean> {
  return repository.blobs.stat(digest).then(
    () => true,
    () => false,
  );
}

/** Every blob of an image (config, layers, manifest) is present, or every one is gone. */
export async function imageBlobs(repository: RepositoryStore, image: TestImage): Promise<boolean[]> {
  const digests = [image.digest, image.config.digest, ...image.layers.map((layer) => layer.digest)];
  return Promise.all(digests.map((digest) => hasBlob(repository, digest)));
}

/** An OCI image index over the given images, with its digest. */
export function indexOf(images: TestImage[]): { content: Buffer; digest: Digest } {
  const content = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociIndex,
      manifests: images.map((image) => ({
        ...image.descriptor,
        platform: { architecture: 'amd64', os: 'linux' },
      })),
    }),
  );
  return { content, digest: digestOf(content) };
}

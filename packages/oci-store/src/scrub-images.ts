// Scrub of one repository, image by image, as zot's periodic scrub reports it (pkg/storage/scrub.go CheckRepo):
// one result per entry of index.json, with the entry's tag ("" when untagged), status "ok" or "affected", the
// hex digest of the first bad blob and zot's error text ("blob not found", "bad blob digest", "invalid manifest
// content"). An index is affected by its first affected child, an image by its manifest, its config or its
// first bad layer (non-distributable layers may be absent), and either by a subject that is missing.
//
// Where zot and we differ, on purpose: manifests and configs are re-hashed too (zot only parses them, so a
// manifest edited into other valid JSON passes); Docker schema 2 manifests and lists are checked like their OCI
// equivalents (zot reports them "invalid manifest content"); a config is judged by its digest, not parsed
// (zot reports a non-JSON artifact config as "invalid server config"); and a manifest index.json lists whose
// blob is gone is reported affected (zot skips it as if it had been deleted meanwhile).
// Work is sequential, one blob read at a time in 1 MiB chunks, and yields to the event loop between images,
// so a scrub running inside the server never holds up requests for long.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { hashFile } from './blob-placement.js';
import { tagOfDescriptor } from './descriptor.js';
import { digestOf, parseDigest } from './digest.js';
import { layout } from './layout.js';
import { type ManifestSummary, parseManifest } from './manifest-parse.js';
import { isIndexMediaType } from './media-types.js';
import { readIndex } from './oci-index.js';
import { isOptionalLayer } from './references.js';
import type { StoreContext } from './store-context.js';
import type { Descriptor, Digest, ScrubImageResult } from './store-types.js';

/** zot's error texts (zot errors package), so tools reading its scrub lines read ours. */
export const scrubErrors = {
  blobNotFound: 'blob not found',
  badBlobDigest: 'bad blob digest',
  badManifest: 'invalid manifest content',
} as const;

type Verdict = { affectedBlob: Digest; error: string } | undefined;

interface Scrubbing {
  context: StoreContext;
  repository: string;
  /** Verdicts of manifests already judged in this repository (indexes share children). */
  verdicts: Map<Digest, Verdict>;
  signal: AbortSignal | undefined;
}

async function blobVerdict(scrubbing: Scrubbing, digest: Digest): Promise<Verdict> {
  const { context, repository } = scrubbing;
  const path = layout.blobPath(repository, digest);
  if ((await context.driver.stat(path)) === undefined)
    return { affectedBlob: digest, error: scrubErrors.blobNotFound };
  const { algorithm, hex } = parseDigest(digest);
  try {
    if ((await hashFile(context, path, algorithm)) === hex) return undefined;
  } catch {
    // unreadable (permissions, I/O error): zot reports any read failure but a missing file as a bad digest
  }
  return { affectedBlob: digest, error: scrubErrors.badBlobDigest };
}

async function manifestVerdict(scrubbing: Scrubbing, descriptor: Descriptor): Promise<Verdict> {
  const seen = scrubbing.verdicts.get(descriptor.digest);
  if (seen !== undefined || scrubbing.verdicts.has(descriptor.digest)) return seen;
  // a cycle (an index listing itself through a subject) ends here as "ok so far"
  scrubbing.verdicts.set(descriptor.digest, undefined);
  const verdict = await judgeManifest(scrubbing, descriptor);
  scrubbing.verdicts.set(descriptor.digest, verdict);
  return verdict;
}

async function judgeManifest(scrubbing: Scrubbing, descriptor: Descriptor): Promise<Verdict> {
  scrubbing.signal?.throwIfAborted();
  const { context, repository } = scrubbing;
  const content = await context.driver.getContent(layout.blobPath(repository, descriptor.digest));
  if (content === undefined) return { affectedBlob: descriptor.digest, error: scrubErrors.blobNotFound };
  let summary: ManifestSummary;
  try {
    summary = parseManifest(descriptor.mediaType, content);
  } catch {
    return { affectedBlob: descriptor.digest, error: scrubErrors.badManifest };
  }
  const { algorithm } = parseDigest(descriptor.digest);
  if (digestOf(content, algorithm) !== descriptor.digest)
    return { affectedBlob: descriptor.digest, error: scrubErrors.badBlobDigest };
  if (isIndexMediaType(summary.mediaType)) {
    for (const child of summary.manifests) {
      const verdict = await manifestVerdict(scrubbing, child);
      if (verdict !== undefined) return verdict;
    }
  } else {
    const blobs = [...(summary.config === undefined ? [] : [summary.config]), ...summary.layers];
    for (const blob of blobs) {
      if (
        isOptionalLayer(blob) &&
        (await context.driver.stat(layout.blobPath(repository, blob.digest))) === undefined
      )
        continue;
      const verdict = await blobVerdict(scrubbing, blob.digest);
      if (verdict !== undefined) return verdict;
    }
  }
  if (summary.subject !== undefined) return manifestVerdict(scrubbing, summary.subject);
  return undefined;
}

/** Every image of `repository`, judged in index.json order; throws when index.json is missing or unreadable. */
export async function scrubRepositoryImages(
  context: StoreContext,
  repository: string,
  options: { signal?: AbortSignal; onImage?: (result: ScrubImageResult) => void } = {},
): Promise<ScrubImageResult[]> {
  const index = await readIndex(context.driver, repository);
  if (index === undefined) throw new Error(`repository ${repository} has no index.json`);
  const scrubbing: Scrubbing = { context, repository, verdicts: new Map(), signal: options.signal };
  const results: ScrubImageResult[] = [];
  for (const descriptor of index.manifests) {
    options.signal?.throwIfAborted();
    const verdict = await manifestVerdict(scrubbing, descriptor);
    const result: ScrubImageResult = {
      repository,
      tag: tagOfDescriptor(descriptor) ?? '',
      digest: descriptor.digest,
      status: verdict === undefined ? 'ok' : 'affected',
      // zot writes the hex part only (godigest.Digest.Encoded)
      affectedBlob: verdict === undefined ? '' : (verdict.affectedBlob.split(':')[1] ?? ''),
      error: verdict?.error ?? '',
    };
    results.push(result);
    options.onImage?.(result);
    // let requests in between images: a scrub runs inside the server
    await yieldToEventLoop();
  }
  return results;
}

// Issue 8: signatures, attestations and bundles of a live image are kept by GC while the image lives and
// removed with it. Pushed over HTTP as cosign pushes them; GC is oci-store's job with cosign's isSignature
// (what the GC feature passes), run by hand so the test decides when.
import { isSignature } from '@zot-ts/cosign';
import { createGcJob, type GcJob } from '@zot-ts/oci-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRegistry, type TestRegistry } from './helpers.js';
import {
  dsseBundle,
  inTotoStatement,
  messageSignatureBundle,
  OCI_MANIFEST,
  ociClient,
  type Pushed,
  p256KeyPair,
  pushBundleReferrer,
  pushImage,
  pushLegacySignature,
} from './signatures-fixtures.js';

const repository = 'team/gc';
let registry: TestRegistry;
let gc: GcJob;
let image: Pushed;
let signatures: Pushed[];

const manifestStatus = async (digest: string): Promise<number> =>
  (
    await fetch(`${registry.url}/v2/${repository}/manifests/${digest}`, {
      method: 'HEAD',
      headers: { Accept: OCI_MANIFEST },
    })
  ).status;

beforeAll(async () => {
  // storage.gc off: the scheduled GC must not run behind the test's back.
  registry = await startTestRegistry({
    storage: { gc: false },
    extensions: { trust: { enable: true, cosign: true } },
  });
  gc = createGcJob({ store: registry.registry.store, delayMs: 0, isSignature });
  const client = ociClient(registry.url);
  const key = p256KeyPair();
  image = await pushImage(client, repository, 'v1');
  signatures = [
    await pushLegacySignature(client, repository, image, key),
    await pushBundleReferrer(client, repository, image, messageSignatureBundle(key, image.content)),
    await pushBundleReferrer(
      client,
      repository,
      image,
      dsseBundle(key, inTotoStatement(repository, image.digest)),
    ),
  ];
});

afterAll(async () => {
  await registry?.dispose();
});

describe('GC and the signatures of an image', () => {
  it('keeps every signature while the signed image lives', async () => {
    const counts = await gc.runRepository(repository);
    expect(counts.manifest).toBe(0);
    for (const signature of signatures) expect(await manifestStatus(signature.digest)).toBe(200);
    const results = await fetch(`${registry.url}/v2/_zot/ext/signatures/${repository}/${image.digest}`);
    expect(((await results.json()) as { signatures: unknown[] }).signatures).toHaveLength(3);
  });

  it('removes every signature, and its blobs, once the image is deleted', async () => {
    const deleted = await fetch(`${registry.url}/v2/${repository}/manifests/${image.digest}`, {
      method: 'DELETE',
    });
    expect(deleted.status).toBe(202);
    const counts = await gc.runRepository(repository);
    expect(counts.manifest).toBe(signatures.length);
    expect(counts.blob).toBeGreaterThan(0);
    for (const signature of signatures) expect(await manifestStatus(signature.digest)).toBe(404);
    const tags = (await (await fetch(`${registry.url}/v2/${repository}/tags/list`)).json()) as {
      tags?: string[];
    };
    expect(tags.tags ?? []).not.toContain(`${image.digest.replace(':', '-')}.sig`);
    const results = await fetch(`${registry.url}/v2/_zot/ext/signatures/${repository}/${image.digest}`);
    expect(results.status).toBe(404);
  });
});

// The store on S3 through its public API, as two instances would use one bucket: two store objects over
// the same prefix, each with its own process state (hash states, caches, dedupe locator). Uploads hand over
// between them, manifests, tags and referrers read the same, and dedupe placeholders survive GC of the
// copy that held the bytes.
import { randomBytes, randomUUID } from 'node:crypto';
import { createGcJob, createStore, digestOf, mediaTypes, type Store } from '@zot-ts/oci-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriverLinkRecords } from '../src/link-records.js';
import { withPlaceholderLinks } from '../src/placeholder-links.js';
import { createRecordedBlobLocator } from '../src/recorded-locator.js';
import { type S3Engine, startS3Engine } from '../src/testing/index.js';

let engine: S3Engine;
beforeAll(async () => {
  engine = await startS3Engine();
}, 120_000);
afterAll(async () => {
  await engine?.stop();
}, 60_000);

const MiB = 1024 * 1024;

function storeOn(prefix: string): Store {
  const driver = engine.driver(prefix);
  return createStore({
    rootDirectory: '/nonexistent-local-root',
    driver: withPlaceholderLinks(driver, createDriverLinkRecords(driver)),
    locator: createRecordedBlobLocator(driver),
  });
}

async function* once(content: Buffer): AsyncIterable<Uint8Array> {
  yield content;
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

function imageManifest(config: Buffer, layer: Buffer, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: { mediaType: mediaTypes.ociConfig, digest: digestOf(config), size: config.length },
      layers: [{ mediaType: mediaTypes.ociLayer, digest: digestOf(layer), size: layer.length }],
      ...extra,
    }),
  );
}

describe('the store on S3, two store objects over one bucket', () => {
  it('hands a chunked upload back and forth and finishes with the right digest', async () => {
    const prefix = `handover-${randomUUID()}`;
    const [first, second] = [storeOn(prefix), storeOn(prefix)];
    const chunks = [randomBytes(300_000), randomBytes(6 * MiB), randomBytes(5), randomBytes(2 * MiB)];
    const whole = Buffer.concat(chunks);
    const { uploadSessionId } = await first.repository('team/app').uploads.start();
    let offset = 0;
    for (const [index, chunk] of chunks.entries()) {
      const store = index % 2 === 0 ? second : first;
      const status = await store
        .repository('team/app')
        .uploads.append(uploadSessionId, once(chunk), { offset });
      offset += chunk.length;
      expect(status.offset).toBe(offset);
    }
    const info = await first.repository('team/app').uploads.finish(uploadSessionId, digestOf(whole));
    expect(info).toEqual({ digest: digestOf(whole), size: whole.length });
    expect(
      (await readAll(await second.repository('team/app').blobs.read(digestOf(whole)))).equals(whole),
    ).toBe(true);
  }, 60_000);

  it('pushes on one and reads manifests, tags and referrers on the other; dedupe survives GC of the first copy', async () => {
    const prefix = `images-${randomUUID()}`;
    const [first, second] = [storeOn(prefix), storeOn(prefix)];
    const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
    const layer = randomBytes(MiB + 3);
    const manifest = imageManifest(config, layer);
    for (const blob of [config, layer])
      await first.repository('team/app').uploads.putBlob(once(blob), digestOf(blob));
    await first.repository('team/app').manifests.put('v1', mediaTypes.ociManifest, manifest);
    expect((await second.repository('team/app').manifests.get('v1')).digest).toBe(digestOf(manifest));
    expect((await second.repository('team/app').tags.list()).tags).toEqual(['v1']);

    // a referrer pushed through the other store
    const signature = imageManifest(config, layer, {
      subject: { mediaType: mediaTypes.ociManifest, digest: digestOf(manifest), size: manifest.length },
    });
    await second.repository('team/app').manifests.put(digestOf(signature), mediaTypes.ociManifest, signature);
    const referrers = await first.repository('team/app').referrers.list(digestOf(manifest));
    expect(referrers.map((descriptor) => descriptor.digest)).toEqual([digestOf(signature)]);

    // the same image in another repository through the second store: its blobs become placeholders
    for (const blob of [config, layer])
      await second.repository('other/app').uploads.putBlob(once(blob), digestOf(blob));
    await second.repository('other/app').manifests.put('v1', mediaTypes.ociManifest, manifest);
    const bucket = engine.driver(prefix);
    const layerHex = digestOf(layer).slice('sha256:'.length);
    expect((await bucket.stat(`other/app/blobs/sha256/${layerHex}`))?.size).toBe(0);

    // the first repository's image goes and GC removes its blobs: the bytes move to the placeholder
    await first.repository('team/app').manifests.delete(digestOf(signature));
    await first.repository('team/app').manifests.delete(digestOf(manifest));
    const summary = await createGcJob({ store: first, delayMs: 0 }).runRepository('team/app');
    expect(summary.blob).toBeGreaterThan(0);
    expect(await bucket.stat(`team/app/blobs/sha256/${layerHex}`)).toBeUndefined();
    expect((await bucket.stat(`other/app/blobs/sha256/${layerHex}`))?.size).toBe(layer.length);
    const read = await readAll(await second.repository('other/app').blobs.read(digestOf(layer)));
    expect(read.equals(layer)).toBe(true);
    expect((await second.scrub()).findings).toEqual([]);
  }, 60_000);
});

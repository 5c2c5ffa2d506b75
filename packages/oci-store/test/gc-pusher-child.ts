// Child process of gc-multiprocess.test.ts: pushes images over the shared base layer into team-<worker>/app
// for `durationMs` with a cross-process store, deleting each previous image first and leaving abandoned
// upload sessions, while the parent runs GC on the same root. Prints `live <repository> <tag> <digest>` for
// its last image and exits 0; any failed push (a blob GC took from under it) exits 1.
// Run: node --import tsx gc-pusher-child.ts <root> <worker> <durationMs>
import { setTimeout as sleep } from 'node:timers/promises';
import { mediaTypes } from '../src/media-types.js';
import { createStore } from '../src/store.js';
import { blobOf, chunksOf, imageOf, type TestImage } from './fixtures.js';

const [root = '', worker = '0', durationMs = '3000'] = process.argv.slice(2);
const store = createStore({ rootDirectory: root, crossProcess: true });
const baseLayer = blobOf(Buffer.alloc(64 * 1024, 7));

function imageOnBase(seed: string): TestImage {
  const own = blobOf(`${seed}-own-layer`);
  const image = imageOf(seed, 0, {
    layers: [baseLayer, own].map((layer) => ({
      mediaType: mediaTypes.ociLayerGzip,
      digest: layer.digest,
      size: layer.size,
    })),
  });
  return { ...image, layers: [baseLayer, own] };
}

const repository = `team-${worker}/app`;
const repo = store.repository(repository);
const deadline = Date.now() + Number(durationMs);
const pushed: TestImage[] = [];
for (let round = 0; Date.now() < deadline; round += 1) {
  const previous = pushed[round - 1];
  if (previous) await repo.manifests.delete(previous.digest);
  const image = imageOnBase(`${repository}-${round}`);
  for (const blob of [image.config, ...image.layers])
    await repo.uploads.putBlob(chunksOf(blob.content), blob.digest);
  await sleep(Math.random() * 40); // the window in which GC (the other process) could take a blob
  await repo.manifests.put(`v${round}`, mediaTypes.ociManifest, image.manifest);
  pushed.push(image);
  if (round % 3 === 0) await repo.uploads.start();
}
const last = pushed[pushed.length - 1];
if (last) process.stdout.write(`live ${repository} v${pushed.length - 1} ${last.digest} ${pushed.length}\n`);

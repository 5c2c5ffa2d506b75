// Child process of crash.test.ts: pushes blobs and manifests in a loop and prints one line per
// acknowledged write, until it is killed with SIGKILL. Run: node --import tsx crash-child.ts <root> <round>
// [cross <name>]: with `cross`, the store is cross-process (crash-multiprocess.test.ts runs two on one root)
// and `name` keeps this process's tags apart from the other's.
import { randomBytes } from 'node:crypto';
import { digestOf } from '../src/digest.js';
import { mediaTypes } from '../src/media-types.js';
import { createStore } from '../src/store.js';
import { chunksOf } from './fixtures.js';

const [root = '', round = '0', mode = '', name = ''] = process.argv.slice(2);
const store = createStore({ rootDirectory: root, ...(mode === 'cross' ? { crossProcess: true } : {}) });

async function worker(workerId: number): Promise<never> {
  for (let step = 0; ; step += 1) {
    const repository = store.repository(`crash/repo${(step + workerId) % 3}`);
    // sizes from a few bytes to a few MiB, so kills land mid-stream too
    const content = randomBytes(step % 4 === 0 ? 3 * 1024 * 1024 : 1 + (step % 50_000));
    const layer = { digest: digestOf(content), size: content.length };
    await repository.uploads.putBlob(chunksOf(content), layer.digest);
    process.stdout.write(`blob ${repository.name} ${layer.digest}\n`);
    const config = Buffer.from(JSON.stringify({ round, workerId, step, name }));
    await repository.uploads.putBlob(chunksOf(config), digestOf(config));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: mediaTypes.ociManifest,
        config: { mediaType: mediaTypes.ociConfig, digest: digestOf(config), size: config.length },
        layers: [{ mediaType: mediaTypes.ociLayerGzip, ...layer }],
      }),
    );
    const tag = `${name}r${round}-w${workerId}-s${step}`;
    await repository.manifests.put(tag, mediaTypes.ociManifest, manifest);
    process.stdout.write(`manifest ${repository.name} ${tag} ${digestOf(manifest)}\n`);
  }
}

await Promise.all([0, 1, 2].map(worker));

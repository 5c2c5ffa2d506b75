// Micro-benchmark (a script, not a test): blob write and read throughput of the store against raw fs
// on the same disk. Run: node --import tsx packages/oci-store/bench/store-bench.ts [MiB]
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createStore } from '../src/store.js';

const sizeMiB = Number(process.argv[2] ?? 256);
const size = sizeMiB * 1024 * 1024;
const root = await mkdtemp(join(process.env.BENCH_DIR ?? tmpdir(), 'oci-store-bench-'));
const source = join(root, 'source.bin');

async function writeSource(): Promise<string> {
  const handle = await open(source, 'w');
  const hash = createHash('sha256');
  const block = randomBytes(1024 * 1024);
  for (let written = 0; written < size; written += block.length) {
    block.writeUInt32LE(written, 0);
    hash.update(block);
    await handle.write(block);
  }
  await handle.close();
  return `sha256:${hash.digest('hex')}`;
}

/** Socket-like input: 64 KiB chunks, as an HTTP request body arrives. */
const socketLike = () => createReadStream(source, { highWaterMark: 64 * 1024 });

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _chunk of stream) {
    // consume only
  }
}

/** Runs every operation once per round, interleaved, so page-cache writeback hits them alike; keeps the best. */
async function measure(
  operations: Array<[string, () => Promise<unknown>]>,
  rounds = 4,
): Promise<Array<[string, number]>> {
  const best = new Map<string, number>();
  for (let round = 0; round < rounds; round += 1) {
    for (const [label, work] of operations) {
      const started = performance.now();
      await work();
      const elapsed = performance.now() - started;
      best.set(label, Math.min(best.get(label) ?? Number.POSITIVE_INFINITY, elapsed));
      await rm(join(root, 'out'), { recursive: true, force: true });
    }
  }
  return [...best].map(([label, ms]) => [label, sizeMiB / (ms / 1000)]);
}

const digest = await writeSource();
await mkdir(join(root, 'out'), { recursive: true });
const output = async (): Promise<string> => {
  await mkdir(join(root, 'out'), { recursive: true });
  return join(root, 'out', 'copy');
};
const storeFor = (commit: boolean) =>
  createStore({ rootDirectory: join(root, 'out'), dedupe: false, commit });
const readerStore = createStore({ rootDirectory: join(root, 'kept') });
await readerStore.repository('bench/read').uploads.putBlob(socketLike(), digest);
const reader = readerStore.repository('bench/read');

const rows = await measure([
  [
    'raw sha256 (read + hash)',
    async () => {
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(source, { highWaterMark: 1024 * 1024 }))
        hash.update(chunk as Buffer);
      hash.digest();
    },
  ],
  [
    'raw fs stream copy (64 KiB chunks)',
    async () => pipeline(socketLike(), createWriteStream(await output())),
  ],
  [
    'raw fs stream copy + sha256',
    async () => {
      const hash = createHash('sha256');
      const out = createWriteStream(await output());
      await pipeline(
        socketLike(),
        async function* (chunks) {
          for await (const chunk of chunks) {
            hash.update(chunk as Buffer);
            yield chunk;
          }
        },
        out,
      );
    },
  ],
  [
    'store putBlob (commit=false)',
    () => storeFor(false).repository('bench/w').uploads.putBlob(socketLike(), digest),
  ],
  [
    'store putBlob (commit=true, fsync)',
    () => storeFor(true).repository('bench/w').uploads.putBlob(socketLike(), digest),
  ],
  ['raw read (1 MiB chunks)', () => drain(createReadStream(source, { highWaterMark: 1024 * 1024 }))],
  ['store blobs.read', async () => drain(await reader.blobs.read(digest))],
]);

console.log(`blob of ${sizeMiB} MiB, best of 4 interleaved rounds, in ${root}`);
console.log('| operation | MB/s |\n|---|---|');
for (const [label, mibPerSecond] of rows)
  console.log(`| ${label} | ${((mibPerSecond * 1024 * 1024) / 1e6).toFixed(0)} |`);
await rm(root, { recursive: true, force: true });

// The image set sync-bench.ts mirrors: `images` images spread over `repos` repositories as tags, each of
// `layers` distinct random layers (sizes uniform in minKiB-maxKiB) and its own config, pushed with the bench's
// plain HTTP client; plus big/app:v1, one layer of `onDemandMiB` MiB, for the on-demand pull.
import { http, pushImage } from './bench-http.js';

export interface ImageSetShape {
  images: number;
  layers: number;
  repos: number;
  minKiB: number;
  maxKiB: number;
  onDemandMiB: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** repository -> tags of the mirrored set. */
export function imageSet({ images, repos }: ImageSetShape): Map<string, string[]> {
  const set = new Map<string, string[]>();
  for (let i = 0; i < images; i++) {
    const repository = `bench/repo${i % repos}`;
    set.set(repository, [...(set.get(repository) ?? []), `t${Math.floor(i / repos)}`]);
  }
  return set;
}

export async function fill(
  base: string,
  set: Map<string, string[]>,
  { layers, minKiB, maxKiB, onDemandMiB }: ImageSetShape,
): Promise<number> {
  const work = [...set].flatMap(([repository, tags]) => tags.map((tag) => ({ repository, tag })));
  let next = 0;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let item = work[next++]; item !== undefined; item = work[next++]) {
        const sizes = Array.from(
          { length: layers },
          () => (minKiB + Math.floor(Math.random() * (maxKiB - minKiB + 1))) * KiB,
        );
        // not `bytes += await ...`: that reads `bytes` before the await and loses the other workers' sums
        const pushed = await pushImage(base, item.repository, item.tag, sizes);
        bytes += pushed;
      }
    }),
  );
  bytes += await pushImage(base, 'big/app', 'v1', [onDemandMiB * MiB]);
  return bytes;
}

/** Every tag of the set is in `base` (the copy is checked, not only timed). */
export async function expectAll(base: string, set: Map<string, string[]>): Promise<void> {
  for (const [repository, tags] of set) {
    const list = await http(base, 'GET', `/v2/${repository}/tags/list`);
    if (list.status !== 200)
      throw new Error(`${repository} missing; catalog: ${(await http(base, 'GET', '/v2/_catalog')).text}`);
    const present = new Set((JSON.parse(list.text) as { tags: string[] | null }).tags ?? []);
    const missing = tags.filter((tag) => !present.has(tag));
    if (missing.length > 0) throw new Error(`${repository}: missing ${missing.join(',')}`);
  }
}

export async function syncedCount(base: string): Promise<number> {
  const scrape = await http(base, 'GET', '/metrics');
  let total = 0;
  for (const line of scrape.text.split('\n'))
    if (line.startsWith('zot_sync_images_total') && line.includes('outcome="synced"'))
      total += Number(line.split(' ').pop());
  return total;
}

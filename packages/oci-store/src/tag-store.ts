// Tags of one repository, read from index.json (distribution-spec, "Listing Tags": lexical order, n/last).
import { tagOfDescriptor } from './descriptor.js';
import { OciError } from './errors.js';
import { readIndexView } from './oci-index.js';
import type { StoreContext } from './store-context.js';
import type { Descriptor, TagPage, TagStore } from './store-types.js';

/** Slices a sorted list after `last`, at most `n` long; `next` is set when more follow. */
export function paginate(
  sorted: string[],
  options: { n?: number; last?: string },
): { items: string[]; next?: string } {
  const { n, last } = options;
  const after = last === undefined ? sorted : sorted.filter((item) => item > last);
  if (n === undefined || after.length <= n) return { items: after };
  const items = after.slice(0, Math.max(0, n));
  const lastItem = items[items.length - 1];
  return lastItem === undefined ? { items } : { items, next: lastItem };
}

export function createTagStore(context: StoreContext, repository: string): TagStore {
  async function entries(): Promise<Array<{ tag: string; descriptor: Descriptor }>> {
    const index = (await readIndexView(context.driver, repository))?.index;
    if (!index) throw new OciError('NAME_UNKNOWN', { detail: { name: repository } });
    const byTag = new Map<string, Descriptor>();
    for (const descriptor of index.manifests) {
      const tag = tagOfDescriptor(descriptor);
      if (tag !== undefined) byTag.set(tag, descriptor);
    }
    return [...byTag]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([tag, descriptor]) => ({ tag, descriptor }));
  }

  async function list(options: { n?: number; last?: string } = {}): Promise<TagPage> {
    const tags = (await entries()).map((entry) => entry.tag);
    const { items, next } = paginate(tags, options);
    return { name: repository, tags: items, ...(next !== undefined ? { next } : {}) };
  }

  return { list, entries };
}

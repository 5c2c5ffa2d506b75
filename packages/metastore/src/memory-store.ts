// A MetaStore that lives and dies with the process: for tests and for registries without a storage root.
import { createStateStore, emptyState } from './meta-state.js';
import type { MetaStore } from './types.js';

export function createMemoryMetaStore(): MetaStore {
  return createStateStore(
    emptyState(),
    async () => undefined,
    async () => undefined,
  );
}

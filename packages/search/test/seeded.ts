// A search API over a memory store seeded with zot-like repositories: alpine (two tags sharing nothing),
// apps/web (derived from alpine:3.18, with annotations and labels), zot-test (a two-platform index).
import { beforeEach } from 'vitest';
import { createSearchApi, type SearchApi } from '../src/index.js';
import { imageOf, indexOf, manifest, memoryStores, type Stores } from './fixtures.js';

export type Caller = { username: string };
// biome-ignore lint/suspicious/noExplicitAny: answers are checked by shape with toEqual
export type Json = any;

export interface Seeded {
  stores: Stores;
  api: SearchApi<Caller>;
  query(
    text: string,
    variables?: Record<string, unknown>,
    caller?: Caller,
  ): Promise<{ data: Json; errors?: { message: string }[] }>;
}

/** Registers a beforeEach that seeds a fresh store; read the fields inside tests. */
export function useSeededApi(): Seeded {
  const seeded = {} as Seeded;
  seeded.query = async (text, variables, caller) => {
    const result = await seeded.api.execute({ query: text, ...(variables ? { variables } : {}) }, caller);
    return result.body as { data: Json; errors?: { message: string }[] };
  };
  beforeEach(async () => {
    const stores = memoryStores();
    seeded.stores = stores;
    seeded.api = createSearchApi<Caller>({
      repos: stores.repos,
      userPrefs: stores.userPrefs,
      canRead: () => true,
      canDelete: (caller) => caller?.username === 'admin',
      usernameOf: (caller) => caller?.username,
    });
    // three repositories pushed at different times; "zot-test" newest
    await stores.push(
      'alpine',
      '3.18',
      imageOf('alpine-318', { created: '2023-06-01T00:00:00Z', layers: ['base'] }),
      '2025-01-01T00:00:00Z',
    );
    await stores.push(
      'alpine',
      '3.19',
      imageOf('alpine-319', { created: '2024-01-01T00:00:00Z', layers: ['base2'] }),
      '2025-01-02T00:00:00Z',
    );
    await stores.push(
      'apps/web',
      'v1',
      imageOf('web-v1', {
        created: '2024-02-01T00:00:00Z',
        layers: ['base', 'web'],
        annotations: {
          'org.opencontainers.image.description': 'the web app',
          'org.opencontainers.image.vendor': 'acme',
        },
        labels: { 'org.label-schema.license': 'MIT' },
        author: 'bob',
      }),
      '2025-01-03T00:00:00Z',
    );
    await stores.push(
      'zot-test',
      'multi',
      indexOf('multi-index', [
        manifest('multi-amd64', { arch: 'amd64', created: '2024-03-01T00:00:00Z' }),
        manifest('multi-arm64', { arch: 'arm64', variant: 'v8', created: '2024-03-02T00:00:00Z' }),
      ]),
      '2025-01-04T00:00:00Z',
    );
  });
  return seeded;
}

import { describe, expect, it } from 'vitest';
import { ManifestBodyCache } from './manifest-body-cache.js';

const body = (size: number, fill = 1) => new Uint8Array(size).fill(fill);

describe('ManifestBodyCache', () => {
  it('serves a body kept at the same deletion generation', () => {
    const cache = new ManifestBodyCache();
    const kept = body(100);
    cache.set('r/blobs/sha256/aa', kept, 3);
    expect(cache.get('r/blobs/sha256/aa', 3)).toBe(kept);
  });

  it('drops a body once any blob was deleted since it was read (the deletion may have been this one)', () => {
    const cache = new ManifestBodyCache();
    cache.set('r/blobs/sha256/aa', body(100), 3);
    expect(cache.get('r/blobs/sha256/aa', 4)).toBeUndefined();
    expect(cache.get('r/blobs/sha256/aa', 3)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never keeps a body larger than maxEntryBytes', () => {
    const cache = new ManifestBodyCache({ maxEntryBytes: 50 });
    cache.set('big', body(51), 0);
    expect(cache.get('big', 0)).toBeUndefined();
  });

  it('evicts the least recently used bodies beyond maxBytes', () => {
    const cache = new ManifestBodyCache({ maxBytes: 250, maxEntryBytes: 100 });
    cache.set('a', body(100, 1), 0);
    cache.set('b', body(100, 2), 0);
    expect(cache.get('a', 0)).toBeDefined(); // a is now the most recently used
    cache.set('c', body(100, 3), 0);
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 0)?.[0]).toBe(1);
    expect(cache.get('c', 0)?.[0]).toBe(3);
  });
});

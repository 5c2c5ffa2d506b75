// The LinkRecords contract, on both implementations (the in-process one, and records kept as files through
// any StorageDriver, here the memory driver): what a Redis implementation must do as well.
import { createMemoryDriver } from '@zot-ts/oci-store';
import { describe, expect, it } from 'vitest';
import { createDriverLinkRecords, createMemoryLinkRecords, type LinkRecords } from './link-records.js';

describe.each([
  ['in-process', () => createMemoryLinkRecords()],
  ['files through a driver', () => createDriverLinkRecords(createMemoryDriver())],
] as Array<[string, () => LinkRecords]>)('LinkRecords (%s)', (_, create) => {
  it('records names of an origin, repoints one, and forgets', async () => {
    const records = create();
    expect(await records.originOf('b/blobs/sha256/x')).toBeUndefined();
    expect(await records.namesOf('a/blobs/sha256/x')).toEqual([]);
    await records.add('b/blobs/sha256/x', 'a/blobs/sha256/x');
    await records.add('c/blobs/sha256/x', 'a/blobs/sha256/x');
    expect(await records.originOf('b/blobs/sha256/x')).toBe('a/blobs/sha256/x');
    expect((await records.namesOf('a/blobs/sha256/x')).sort()).toEqual([
      'b/blobs/sha256/x',
      'c/blobs/sha256/x',
    ]);
    // promotion: c now stands for b's bytes
    await records.add('c/blobs/sha256/x', 'b/blobs/sha256/x');
    expect(await records.namesOf('a/blobs/sha256/x')).toEqual(['b/blobs/sha256/x']);
    expect(await records.namesOf('b/blobs/sha256/x')).toEqual(['c/blobs/sha256/x']);
    await records.remove('b/blobs/sha256/x');
    await records.remove('b/blobs/sha256/x');
    expect(await records.originOf('b/blobs/sha256/x')).toBeUndefined();
    expect(await records.namesOf('a/blobs/sha256/x')).toEqual([]);
    expect(await records.originOf('c/blobs/sha256/x')).toBe('b/blobs/sha256/x');
  });
});

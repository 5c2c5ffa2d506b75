// What the shared suite does not reach on S3: parts and appends across the 5 MiB boundary, appends
// continued by another driver instance (another process's view of the same bucket), a cancelled append
// leaving the old object, moves by UploadPartCopy, and paged listings and batched deletes past 1000 keys.
import { createHash, randomUUID } from 'node:crypto';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriverLinkRecords } from '../src/link-records.js';
import { MIN_PART_SIZE, s3DriverOptionsFrom } from '../src/options.js';
import { withPlaceholderLinks } from '../src/placeholder-links.js';
import { createS3Driver } from '../src/s3-driver.js';
import { copyRanges } from '../src/server-copy.js';
import { type S3Engine, startS3Engine } from '../src/testing/index.js';

let engine: S3Engine;
beforeAll(async () => {
  engine = await startS3Engine();
}, 120_000);
afterAll(async () => {
  await engine?.stop();
}, 60_000);

const MiB = 1024 * 1024;
const bytes = (size: number, seed: number): Buffer => {
  const buffer = Buffer.alloc(size);
  for (let index = 0; index < size; index += 4096) buffer[index] = (index / 4096 + seed) % 251;
  return buffer;
};
const sha = (buffer: Buffer): string => createHash('sha256').update(buffer).digest('hex');
async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

describe('S3 driver on Ceph RGW', () => {
  it('copyRanges never leaves a part under 5 MiB before the last', () => {
    expect(copyRanges(12 * MiB, 5 * MiB)).toEqual([
      { start: 0, end: 5 * MiB - 1 },
      { start: 5 * MiB, end: 12 * MiB - 1 },
    ]);
    expect(copyRanges(10 * MiB, 5 * MiB)).toHaveLength(2);
    expect(copyRanges(3, 5 * MiB)).toEqual([{ start: 0, end: 2 }]);
  });

  it('appends small and large chunks through two driver instances, part by part, to the right bytes', async () => {
    const root = `append-${randomUUID()}`;
    const first = engine.driver(root, { partSize: MIN_PART_SIZE });
    const second = engine.driver(root, { partSize: MIN_PART_SIZE });
    const pieces = [
      bytes(1000, 1),
      bytes(3 * MiB, 2),
      bytes(7 * MiB + 3, 3),
      bytes(10, 4),
      bytes(6 * MiB, 5),
    ];
    const writer = await first.writer('up/1');
    await writer.commit();
    for (const [index, piece] of pieces.entries()) {
      // alternate instances: each sees only what the bucket holds
      const appender = await (index % 2 === 0 ? first : second).writer('up/1', { append: true });
      await appender.write(piece.subarray(0, 100));
      await appender.write(piece.subarray(100));
      await appender.commit();
    }
    const whole = Buffer.concat(pieces);
    expect((await second.stat('up/1'))?.size).toBe(whole.byteLength);
    expect(sha(await readAll(await first.reader('up/1')))).toBe(sha(whole));
    const middle = await readAll(await second.reader('up/1', { start: 4 * MiB, end: 4 * MiB + 9 }));
    expect(middle.equals(whole.subarray(4 * MiB, 4 * MiB + 10))).toBe(true);
    await first.move('up/1', 'blobs/x');
    expect(await first.stat('up/1')).toBeUndefined();
    expect(sha(await readAll(await second.reader('blobs/x')))).toBe(sha(whole));
  }, 60_000);

  it('a cancelled append past a part boundary leaves the old object and no multipart upload', async () => {
    const root = `cancel-${randomUUID()}`;
    const driver = engine.driver(root, { partSize: MIN_PART_SIZE });
    const before = bytes(6 * MiB, 7);
    await driver.putContent('u', before);
    const appender = await driver.writer('u', { append: true });
    await appender.write(bytes(11 * MiB, 8));
    await appender.cancel();
    expect(sha(Buffer.from((await driver.getContent('u')) ?? []))).toBe(sha(before));
    const uploads = await driver.client.send(
      new ListMultipartUploadsCommand({ Bucket: engine.bucket, Prefix: `${root}/` }),
    );
    expect(uploads.Uploads ?? []).toEqual([]);
  }, 60_000);

  it.each([
    ['a small object (one PUT)', 1000],
    ['a large object (multipart)', 6 * MiB],
  ])(
    'refuses the second of two appends that began from the same version of %s',
    async (_, size) => {
      const driver = engine.driver(`race-${randomUUID()}`, { partSize: MIN_PART_SIZE });
      const before = bytes(size, 11);
      await driver.putContent('u', before);
      const [one, two] = [
        await driver.writer('u', { append: true }),
        await driver.writer('u', { append: true }),
      ];
      await one.write(Buffer.from('one'));
      await two.write(Buffer.from('two'));
      await one.commit();
      await expect(two.commit()).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
      const after = Buffer.from((await driver.getContent('u')) ?? []);
      expect(sha(after)).toBe(sha(Buffer.concat([before, Buffer.from('one')])));
    },
    30_000,
  );

  it('moves a large object part by part (UploadPartCopy)', async () => {
    const root = `copy-${randomUUID()}`;
    // S3's 5 GiB single-copy limit lowered to 8 MiB, and 5 MiB copy parts: the 12 MiB object takes the
    // multipart path (on append and on move) without 5 GiB of data
    const driver = engine.driver(root, { copyPartSize: MIN_PART_SIZE, maxSingleCopy: 8 * MiB });
    const content = bytes(12 * MiB, 9);
    const writer = await driver.writer('big');
    await writer.write(content);
    await writer.commit();
    const appender = await driver.writer('big', { append: true });
    await appender.write(Buffer.from('tail'));
    await appender.commit('moved/big');
    const expected = Buffer.concat([content, Buffer.from('tail')]);
    expect(sha(await readAll(await driver.reader('moved/big')))).toBe(sha(expected));
  }, 60_000);

  it('takes credentials from the environment when the block has no keys, as the SDK does', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = engine.accessKey;
    process.env.AWS_SECRET_ACCESS_KEY = engine.secretKey;
    try {
      const { accesskey: _a, secretkey: _s, ...keyless } = engine.storageDriver(`env-${randomUUID()}`);
      const driver = createS3Driver(s3DriverOptionsFrom(keyless));
      await driver.putContent('f', 'from the environment');
      expect(Buffer.from((await driver.getContent('f')) ?? []).toString()).toBe('from the environment');
      driver.destroy();
    } finally {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });

  it('lists, walks and deletes past one page (1000 keys)', async () => {
    const root = `page-${randomUUID()}`;
    const driver = engine.driver(root);
    const names = Array.from({ length: 1010 }, (_, index) => `d/f${String(index).padStart(4, '0')}`);
    for (let index = 0; index < names.length; index += 32) {
      await Promise.all(names.slice(index, index + 32).map((name) => driver.putContent(name, 'x')));
    }
    await driver.putContent('d/sub/y', 'y');
    const entries = await driver.list('d');
    expect(entries.filter((entry) => !entry.isDirectory)).toHaveLength(1010);
    expect(entries.filter((entry) => entry.isDirectory)).toEqual([{ name: 'sub', isDirectory: true }]);
    let walked = 0;
    for await (const _ of driver.walk('d')) walked += 1;
    expect(walked).toBe(1011);
    await driver.delete('d');
    expect(await driver.stat('d')).toBeUndefined();
    expect(await driver.list('')).toEqual([]);
  }, 60_000);
});

describe('placeholder links on S3', () => {
  it('a promotion cut short after the bytes moved still serves every name', async () => {
    const root = `promotion-${randomUUID()}`;
    const raw = engine.driver(root);
    const records = createDriverLinkRecords(raw);
    const linked = withPlaceholderLinks(raw, records);
    const content = bytes(70_000, 13);
    await linked.putContent('a/blob', content);
    expect(await linked.link?.('a/blob', 'b/blob')).toBe(true);
    expect(await linked.link?.('a/blob', 'c/blob')).toBe(true);
    // what a crash leaves after the first step of deleting a/blob: the bytes moved onto b/blob, the
    // records of c/blob not yet repointed
    await raw.move('a/blob', 'b/blob');
    expect((await linked.stat('c/blob'))?.size).toBe(content.length);
    expect(sha(Buffer.from((await linked.getContent('c/blob')) ?? []))).toBe(sha(content));
    expect(sha(await readAll(await linked.reader('b/blob')))).toBe(sha(content));
  });
});

// The one test suite every StorageDriver passes (DESIGN.md: every implementation runs the shared suite).
import { describe, expect, it } from 'vitest';
import { isDriverNotFound, type StorageDriver } from '../src/storage-driver.js';
import { readAll } from './fixtures.js';

export function describeDriver(
  name: string,
  create: () => Promise<{ driver: StorageDriver; dispose: () => Promise<void> }>,
  /** `canLink: false` for drivers with no second names (S3): the link test then checks they say so. */
  traits: { canLink?: boolean } = {},
) {
  const canLink = traits.canLink ?? true;
  const withDriver = (test: (driver: StorageDriver) => Promise<void>) => async () => {
    const { driver, dispose } = await create();
    try {
      await test(driver);
    } finally {
      await dispose();
    }
  };

  describe(`StorageDriver (${name})`, () => {
    it(
      'puts and gets content, and reports absent files as undefined',
      withDriver(async (driver) => {
        expect(await driver.getContent('a/b.json')).toBeUndefined();
        expect(await driver.stat('a/b.json')).toBeUndefined();
        await driver.putContent('a/b.json', '{"x":1}');
        await driver.putContent('a/b.json', '{"x":2}');
        expect(Buffer.from((await driver.getContent('a/b.json')) ?? []).toString()).toBe('{"x":2}');
        expect(await driver.stat('a/b.json')).toMatchObject({ size: 7, isDirectory: false });
        expect(await driver.stat('a')).toMatchObject({ isDirectory: true });
      }),
    );

    it(
      'reads a byte range and whole files in chunks',
      withDriver(async (driver) => {
        const content = Buffer.alloc(3 * 1024 * 1024 + 5, 7);
        content[1_500_000] = 1;
        await driver.putContent('f', content);
        expect((await readAll(await driver.reader('f'))).equals(content)).toBe(true);
        const part = await readAll(await driver.reader('f', { start: 1_499_999, end: 1_500_001 }));
        expect([...part]).toEqual([7, 1, 7]);
        await expect(driver.reader('missing')).rejects.toSatisfy(isDriverNotFound);
      }),
    );

    it(
      'writes, appends and commits to a destination atomically',
      withDriver(async (driver) => {
        const writer = await driver.writer('up/1');
        await writer.write(Buffer.from('hello '));
        await writer.commit();
        const appender = await driver.writer('up/1', { append: true });
        expect(appender.size).toBe(6);
        await appender.write(Buffer.from('world'));
        expect(appender.size).toBe(11);
        await appender.commit('final/blob');
        expect(await driver.stat('up/1')).toBeUndefined();
        expect(Buffer.from((await driver.getContent('final/blob')) ?? []).toString()).toBe('hello world');
      }),
    );

    it(
      'cancel cuts an append back and removes a new file',
      withDriver(async (driver) => {
        await driver.putContent('u', 'abc');
        const appender = await driver.writer('u', { append: true });
        await appender.write(Buffer.from('def'));
        await appender.cancel();
        expect(Buffer.from((await driver.getContent('u')) ?? []).toString()).toBe('abc');
        const fresh = await driver.writer('v');
        await fresh.write(Buffer.from('x'));
        await fresh.cancel();
        expect(await driver.stat('v')).toBeUndefined();
      }),
    );

    it(
      'lists, moves, walks and deletes trees',
      withDriver(async (driver) => {
        await driver.putContent('r/x/1', '1');
        await driver.putContent('r/x/2', '22');
        await driver.putContent('r/y', '333');
        const entries = (await driver.list('r')).sort((a, b) => a.name.localeCompare(b.name));
        expect(entries).toEqual([
          { name: 'x', isDirectory: true },
          { name: 'y', isDirectory: false },
        ]);
        expect(await driver.list('nowhere')).toEqual([]);
        await driver.move('r/y', 'r/x/3');
        await expect(driver.move('r/y', 'r/z')).rejects.toSatisfy(isDriverNotFound);
        const walked: string[] = [];
        for await (const file of driver.walk('r')) walked.push(`${file.path}:${file.size}`);
        expect(walked.sort()).toEqual(['r/x/1:1', 'r/x/2:2', 'r/x/3:3']);
        await driver.delete('r/x');
        await driver.delete('r/x');
        expect(await driver.list('r')).toEqual([]);
      }),
    );

    it.runIf(!canLink)(
      'has no links and says so (dedupe then works above the driver)',
      withDriver(async (driver) => {
        expect(driver.canLink).toBe(false);
        expect(driver.link).toBeUndefined();
      }),
    );

    it.runIf(canLink)(
      'links a second name to the same bytes, refusing an existing destination',
      withDriver(async (driver) => {
        expect(driver.canLink).toBe(true);
        await driver.putContent('a/blob', 'same');
        expect(await driver.link?.('a/blob', 'b/blob')).toBe(true);
        expect(await driver.link?.('a/blob', 'b/blob')).toBe(false);
        expect(await driver.link?.('a/none', 'b/none')).toBe(false);
        await driver.delete('a/blob');
        expect(Buffer.from((await driver.getContent('b/blob')) ?? []).toString()).toBe('same');
      }),
    );

    it(
      'refuses paths that could escape the root',
      withDriver(async (driver) => {
        for (const bad of ['../x', '/etc/passwd', 'a/../../x', 'a\\b', 'a//b']) {
          await expect(driver.getContent(bad)).rejects.toThrow(/invalid driver path/);
        }
      }),
    );
  });
}

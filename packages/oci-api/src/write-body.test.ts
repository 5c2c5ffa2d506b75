import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalDriver, type StorageDriver } from '@zot-ts/oci-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBody } from './write-body.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('writeBody (under a real Node HTTP server)', () => {
  let root: string;
  let driver: StorageDriver;
  let server: Server;
  let base: string;
  const files = new Map<string, Buffer>();
  const outcomes: Array<{ bytes: number; completed: boolean }> = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'write-body-'));
    driver = createLocalDriver({ rootDirectory: root });
    // sizes around the 1 MiB chunk: pooled buffers are reused between these downloads
    for (const [name, size] of [
      ['a', 3 * MiB + 17],
      ['b', MiB],
      ['c', 10],
      ['d', 2 * MiB - 1],
      // more than loopback socket buffers hold, so an abandoned download is cut mid-way
      ['big', 40 * MiB],
    ] as const) {
      const content = randomBytes(size);
      files.set(name, content);
      await writeFile(join(root, name), content);
    }
    server = createServer(async (req, res) => {
      const name = (req.url ?? '/').slice(1);
      const size = files.get(name)?.length ?? 0;
      res.writeHead(200, { 'Content-Length': String(size) });
      outcomes.push(await writeBody(await driver.reader(name), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(root, { recursive: true, force: true });
  });

  const download = (name: string, slowly = false) =>
    new Promise<Buffer>((resolve, reject) => {
      get(`${base}/${name}`, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          // a slow reader makes the server wait for 'drain' with chunks in flight
          if (slowly) {
            res.pause();
            setTimeout(() => res.resume(), 1);
          }
        });
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      }).on('error', reject);
    });

  it('sends every byte, in order, for many concurrent downloads sharing the buffer pool', async () => {
    const names = ['a', 'b', 'c', 'd', 'a', 'd', 'b', 'a', 'c', 'a'];
    const bodies = await Promise.all(names.map((name, index) => download(name, index % 3 === 0)));
    bodies.forEach((body, index) => {
      const expected = files.get(names[index] ?? '') ?? Buffer.alloc(0);
      expect(body.length).toBe(expected.length);
      expect(sha256(body)).toBe(sha256(expected));
    });
  });

  it('reports a download the client abandons as not completed, with the bytes written so far', async () => {
    outcomes.length = 0;
    await new Promise<void>((resolve, reject) => {
      const request = get(`${base}/big`, (res) => {
        res.once('data', () => {
          request.destroy();
          resolve();
        });
      });
      request.on('error', () => undefined);
      setTimeout(() => reject(new Error('no data')), 5_000).unref();
    });
    await expect.poll(() => outcomes.length).toBe(1);
    expect(outcomes[0]?.completed).toBe(false);
    expect(outcomes[0]?.bytes).toBeLessThan(files.get('big')?.length ?? 0);
  });
});

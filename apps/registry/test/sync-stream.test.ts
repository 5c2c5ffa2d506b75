// On-demand sync of a large image (16 MiB or more to fetch) answers while its copy runs: the manifest from
// memory, the blobs streamed as the upstream sends them (packages/sync/src/in-flight.ts). A gate between the
// mirror and its upstream (zot-ts) holds each large blob body after its first MiB, so the test can see the
// mirror answer before the copy could have ended, and what a reader gets when the copy then fails.
import { createHash } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRegistryClient, type RegistryClient } from '@zot-ts/oci-client';
import { pushRandomImage } from '@zot-ts/oci-client/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRegistry, type TestRegistry, until } from './helpers.js';

const MiB = 1024 * 1024;
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

interface Gate {
  url: string;
  /** Large blob bodies stop after their first MiB until `release` or `cut`. */
  hold(): void;
  release(): void;
  /** Drops the held connections: the upstream body ends early. */
  cut(): void;
  close(): Promise<void>;
}

async function startGate(target: string): Promise<Gate> {
  let open: (cut: boolean) => void = () => undefined;
  let gate: Promise<boolean> = Promise.resolve(false);
  const server: Server = createServer((incoming, outgoing) => {
    const forwarded = request(
      new URL(incoming.url ?? '/', target),
      { method: incoming.method, headers: incoming.headers },
      async (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        const large = Number(answer.headers['content-length'] ?? 0) >= 4 * MiB;
        if (incoming.method !== 'GET' || !large) {
          answer.pipe(outgoing);
          return;
        }
        const chunks: Buffer[] = [];
        for await (const chunk of answer) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks);
        outgoing.write(body.subarray(0, MiB));
        if (await gate) outgoing.destroy();
        else outgoing.end(body.subarray(MiB));
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release: () => open(false),
    cut: () => open(true),
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

let upstream: TestRegistry;
let gate: Gate;
let mirror: TestRegistry;
let toUpstream: RegistryClient;

beforeAll(async () => {
  upstream = await startTestRegistry();
  gate = await startGate(upstream.url);
  toUpstream = createRegistryClient({ url: upstream.url });
  mirror = await startTestRegistry({
    extensions: {
      sync: {
        registries: [
          // no retries: a cut blob fails the copy at once instead of resuming
          {
            urls: [gate.url],
            onDemand: true,
            tlsVerify: false,
            maxRetries: 0,
            retryDelay: '10ms',
            content: [{ prefix: 'big/**' }],
          },
        ],
      },
    },
  });
}, 30_000);

afterAll(async () => {
  await mirror?.dispose();
  await gate?.close();
  await upstream?.dispose();
});

const tagsOf = async (repository: string) => {
  const answer = await fetch(`${mirror.url}/v2/${repository}/tags/list`);
  return answer.status === 200 ? ((await answer.json()) as { tags: string[] }).tags : [];
};

describe('on-demand sync of a large image', () => {
  it('serves the manifest and streams the blob while the copy still runs, then keeps the image', async () => {
    const image = await pushRandomImage(toUpstream, 'big/app', 'v1', { layerSize: 20 * MiB });
    const layer = image.layers[0] as { digest: string; size: number };
    gate.hold();
    const manifest = await fetch(`${mirror.url}/v2/big/app/manifests/v1`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('docker-content-digest')).toBe(image.digest);
    expect(Buffer.from(await manifest.arrayBuffer()).equals(image.manifest)).toBe(true);
    // the upstream has sent one MiB of the layer: the store cannot have the image yet
    expect(await tagsOf('big/app')).not.toContain('v1');
    const head = await fetch(`${mirror.url}/v2/big/app/blobs/${layer.digest}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(layer.size));

    const blob = await fetch(`${mirror.url}/v2/big/app/blobs/${layer.digest}`);
    expect(blob.status).toBe(200);
    const reader = (blob.body as ReadableStream<Uint8Array>).getReader();
    const received: Uint8Array[] = [];
    let bytes = 0;
    while (bytes < MiB) {
      const { value, done } = await reader.read();
      if (done) throw new Error('ended early');
      received.push(value);
      bytes += value.length;
    }
    // the first MiB came through while the rest is still held upstream
    expect(await tagsOf('big/app')).not.toContain('v1');
    // a second reader now: the chunks the first one read are dropped already, so it is served from the
    // store once the copy has stored the blob, and gets every byte all the same
    const late = fetch(`${mirror.url}/v2/big/app/blobs/${layer.digest}`).then(async (answer) => ({
      status: answer.status,
      digest: sha256(Buffer.from(await answer.arrayBuffer())),
    }));
    gate.release();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      received.push(value);
    }
    expect(sha256(Buffer.concat(received))).toBe(layer.digest);
    expect(await late).toEqual({ status: 200, digest: layer.digest });
    expect(
      await until(async () => ((await tagsOf('big/app')).includes('v1') ? true : undefined), 10_000),
    ).toBe(true);
    const stored = await fetch(`${mirror.url}/v2/big/app/blobs/${layer.digest}`);
    expect(sha256(Buffer.from(await stored.arrayBuffer()))).toBe(layer.digest);
  }, 30_000);

  it('cuts the reader when the copy fails, and keeps nothing', async () => {
    const image = await pushRandomImage(toUpstream, 'big/broken', 'v1', { layerSize: 20 * MiB });
    const layer = image.layers[0] as { digest: string; size: number };
    gate.hold();
    expect((await fetch(`${mirror.url}/v2/big/broken/manifests/v1`)).status).toBe(200);
    const blob = await fetch(`${mirror.url}/v2/big/broken/blobs/${layer.digest}`);
    expect(blob.status).toBe(200);
    const reader = (blob.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    gate.cut();
    // a broken connection, never a clean end of a short body
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return 'ended';
      })(),
    ).rejects.toThrow();
    expect(await tagsOf('big/broken')).not.toContain('v1');
    expect((await fetch(`${mirror.url}/v2/big/broken/blobs/${layer.digest}`)).status).toBe(404);
  }, 30_000);
});

// POST /v2/_zot/ext/cosign on the real server: what it refuses (bad keys 400, oversized bodies 413 counted
// while streaming), and that the route only exists when extensions.trust enables cosign.
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, startTestRegistry, type TestRegistry } from './helpers.js';
import { p256KeyPair } from './signatures-fixtures.js';

const MiB = 1024 * 1024;
let registry: TestRegistry;
const keyUrl = () => `${registry.url}/v2/_zot/ext/cosign`;

beforeAll(async () => {
  registry = await startTestRegistry({ extensions: { trust: { enable: true, cosign: true } } });
});

afterAll(async () => {
  await registry?.dispose();
});

describe('POST /v2/_zot/ext/cosign', () => {
  it('refuses a body that is not a PEM public key with 400 INVALID_KEY', async () => {
    const response = await fetch(keyUrl(), { method: 'POST', body: 'not a key' });
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('INVALID_KEY');
  });

  it('refuses a private key with 400', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const response = await fetch(keyUrl(), { method: 'POST', body: pem });
    expect(response.status).toBe(400);
  });

  it('refuses a declared body over 8 MiB with 413 before reading it', async () => {
    const response = await fetch(keyUrl(), { method: 'POST', body: Buffer.alloc(8 * MiB + 1, 0x41) });
    expect(response.status).toBe(413);
    expect(await errorCode(response)).toBe('KEY_TOO_LARGE');
  });

  it('refuses a chunked body once more than 8 MiB have arrived', async () => {
    let sent = 0;
    const chunk = new Uint8Array(MiB).fill(0x41);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Up to 256 MiB: the server must answer long before the stream would end on its own.
        if (sent >= 256 * MiB) controller.close();
        else {
          sent += chunk.byteLength;
          controller.enqueue(chunk);
        }
      },
    });
    const response = await fetch(keyUrl(), {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect(response.status).toBe(413);
    expect(sent).toBeLessThan(64 * MiB);
  });

  it('stores a key once however often it is uploaded', async () => {
    const key = p256KeyPair();
    const first = await fetch(keyUrl(), { method: 'POST', body: key.publicKeyPem });
    const second = await fetch(keyUrl(), { method: 'POST', body: key.publicKeyPem });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await first.json()).toEqual(await second.json());
    const files = readdirSync(join(registry.directory, 'data', '_cosign')).filter((f) => f.endsWith('.pub'));
    expect(files).toHaveLength(1);
  });
});

describe('with extensions.trust off', () => {
  it('has neither the key upload nor the results route', async () => {
    const plain = await startTestRegistry();
    try {
      const upload = await fetch(`${plain.url}/v2/_zot/ext/cosign`, {
        method: 'POST',
        body: p256KeyPair().publicKeyPem,
      });
      expect(upload.status).not.toBe(200);
      const read = await fetch(`${plain.url}/v2/_zot/ext/signatures/team/app/sha256:${'a'.repeat(64)}`);
      expect(read.status).toBe(404);
      const discover = (await (await fetch(`${plain.url}/v2/_oci/ext/discover`)).json()) as {
        extensions: Array<{ endpoints: string[] }>;
      };
      expect(discover.extensions.flatMap((e) => e.endpoints)).not.toContain('/v2/_zot/ext/cosign');
    } finally {
      await plain.dispose();
    }
  });
});

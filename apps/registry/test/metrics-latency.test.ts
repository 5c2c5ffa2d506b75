// A blob download's latency covers its whole body: the body streams after the handler returns, and zot measures
// the full response, so a client that reads slowly shows up in zot_http_method_latency_seconds.
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRegistry } from './helpers.js';
import { eventually, sample, scrape, startMetricsRegistry } from './metrics-helpers.js';

let registry: TestRegistry;
const blob = randomBytes(32 * 1024 * 1024); // larger than what loopback socket buffers absorb
const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;

beforeAll(async () => {
  registry = await startMetricsRegistry();
  const pushed = await fetch(`${registry.url}/v2/slow/read/blobs/uploads/?digest=${digest}`, {
    method: 'POST',
    body: blob,
  });
  expect(pushed.status).toBe(201);
});

afterAll(async () => {
  await registry?.dispose();
});

/** GETs the blob, waits `pauseMs` before reading any of the body, then reads it all; returns bytes read. */
function slowDownload(pauseMs: number): Promise<number> {
  return new Promise((done, fail) => {
    request(`${registry.url}/v2/slow/read/blobs/${digest}`, (response) => {
      response.pause();
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      response.on('end', () => done(bytes));
      response.on('error', fail);
      setTimeout(() => response.resume(), pauseMs);
    })
      .on('error', fail)
      .end();
  });
}

describe('request latency', () => {
  it('covers the streaming of a blob body to a slow reader', async () => {
    const before = sample((await scrape(registry)).families, 'zot_http_method_latency_seconds_sum', {
      method: 'GET',
    });
    expect(await slowDownload(600)).toBe(blob.length);
    await eventually(registry, (families) => {
      const after = sample(families, 'zot_http_method_latency_seconds_sum', { method: 'GET' });
      // the GET that took at least the reader's pause, not the few milliseconds the handler ran
      expect((after ?? 0) - (before ?? 0)).toBeGreaterThanOrEqual(0.55);
    });
  });
});

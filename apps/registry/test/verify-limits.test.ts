// `zot verify` on the issue-22 keys: http.ratelimit, storage.maxRepos, extensions.scrub. zot's own example
// (examples/config-ratelimit.json) is valid; each broken value is reported with its path.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runVerify } from '../src/commands/verify.js';

const directory = mkdtempSync(join(tmpdir(), 'zot-verify-limits-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function verify(config: object): Promise<{ code: number; output: string }> {
  const path = join(directory, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(config));
  let output = '';
  const capture = (chunk: unknown) => {
    output += String(chunk);
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    return { code: await runVerify([path]), output };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const base = { distSpecVersion: '1.1.1', storage: { rootDirectory: '/tmp/zot' } };

describe('zot verify: rate limits, quota, scrub', () => {
  it("accepts zot's examples/config-ratelimit.json, a quota and a scrub section", async () => {
    const result = await verify({
      ...base,
      storage: { rootDirectory: '/tmp/zot', maxRepos: 10 },
      http: {
        address: '127.0.0.1',
        port: '8080',
        ratelimit: { rate: 10, methods: [{ method: 'GET', rate: 5 }] },
      },
      log: { level: 'debug', output: '/tmp/zot.log' },
      extensions: { scrub: { enable: true, interval: '24h' } },
    });
    expect(result).toEqual({ code: 0, output: 'config is valid\n' });
  });

  it.each([
    ['a rate of 0', { http: { ratelimit: { rate: 0 } } }, 'http.ratelimit.rate'],
    [
      'a method rate of 0',
      { http: { ratelimit: { methods: [{ method: 'GET', rate: 0 }] } } },
      'http.ratelimit.methods[0].rate',
    ],
    [
      'an unknown method',
      { http: { ratelimit: { methods: [{ method: 'FETCH', rate: 1 }] } } },
      'http.ratelimit.methods[0].method',
    ],
    [
      'a method limit without a rate',
      { http: { ratelimit: { methods: [{ method: 'PUT' }] } } },
      'http.ratelimit.methods[0]',
    ],
    ['a fractional rate', { http: { ratelimit: { rate: 1.5 } } }, 'http.ratelimit.rate'],
    ['a negative maxRepos', { storage: { rootDirectory: '/tmp/zot', maxRepos: -1 } }, 'storage.maxRepos'],
    [
      'a scrub interval that is no Go duration',
      { extensions: { scrub: { interval: '2 hours' } } },
      'extensions.scrub.interval',
    ],
    ['an unknown scrub key', { extensions: { scrub: { intervall: '2h' } } }, 'extensions.scrub.intervall'],
  ])('reports %s with its path', async (_name, change, path) => {
    const result = await verify({ ...base, ...change });
    expect(result.code).toBe(1);
    expect(result.output).toContain(path);
  });
});

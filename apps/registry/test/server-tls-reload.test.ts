// Issue 5, TLS serving with http.tls.cert and key, reloaded when the files change: a new connection is shown
// the new certificate (compared by SHA-256 fingerprint), both when the files are overwritten and when a
// Kubernetes secret update swaps the `..data` symlink; a key that does not match keeps the old certificate.
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig } from '@zot-ts/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRegistry, startRegistry } from '../src/index.js';
import {
  fingerprintOfFile,
  httpsCall,
  makeSelfSigned,
  servedFingerprint,
  waitFor,
} from './server-tls-certs.js';

let certs: string;
let fingerprintA: string;
let fingerprintB: string;
const toClose: Array<{ close(): Promise<void> }> = [];

function collectLines(lines: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((line) => line !== ''),
      );
      done();
    },
  });
}

async function serveTls(cert: string, key: string, lines: string[] = []): Promise<RunningRegistry> {
  const root = mkdtempSync(join(tmpdir(), 'zot-tls-reload-'));
  const running = await startRegistry({
    config: parseConfig({
      storage: { rootDirectory: join(root, 'data') },
      http: { address: '127.0.0.1', port: 5000, tls: { cert, key } },
      log: { level: 'info' },
    }),
    port: 0,
    stdout: collectLines(lines),
  });
  toClose.push({
    async close() {
      await running.close();
      rmSync(root, { recursive: true, force: true });
    },
  });
  return running;
}

beforeAll(() => {
  certs = mkdtempSync(join(tmpdir(), 'zot-tls-certs-'));
  makeSelfSigned(certs, 'a', '/CN=localhost');
  makeSelfSigned(certs, 'b', '/CN=localhost');
  fingerprintA = fingerprintOfFile(join(certs, 'a.crt'));
  fingerprintB = fingerprintOfFile(join(certs, 'b.crt'));
});
afterAll(async () => {
  for (const running of toClose) await running.close();
  rmSync(certs, { recursive: true, force: true });
});

describe('TLS certificate reload', () => {
  it('shows new connections the new certificate after the files are replaced, and logs it', async () => {
    const live = join(certs, 'overwrite');
    mkdirSync(live);
    copyFileSync(join(certs, 'a.crt'), join(live, 'tls.crt'));
    copyFileSync(join(certs, 'a.key'), join(live, 'tls.key'));
    const lines: string[] = [];
    const running = await serveTls(join(live, 'tls.crt'), join(live, 'tls.key'), lines);
    expect(await servedFingerprint(running.port)).toBe(fingerprintA);

    copyFileSync(join(certs, 'b.crt'), join(live, 'tls.crt'));
    copyFileSync(join(certs, 'b.key'), join(live, 'tls.key'));
    const tookMs = await waitFor(async () => (await servedFingerprint(running.port)) === fingerprintB);
    expect(tookMs).toBeLessThan(2000);
    expect((await httpsCall(running.port, 'GET', '/v2/')).status).toBe(200);
    const reloaded = lines
      .map((line) => JSON.parse(line))
      .find((entry) => entry.message === 'tls certificate reloaded');
    expect(reloaded).toMatchObject({ level: 'info', fingerprint256: fingerprintB });
  });

  it('follows a Kubernetes secret update that swaps the ..data symlink', async () => {
    // kubelet layout: tls.crt -> ..data/tls.crt, ..data -> ..<timestamp>/ ; an update renames a new ..data over it
    const secret = join(certs, 'secret');
    for (const [version, source] of [
      ['..2024_01', 'a'],
      ['..2024_02', 'b'],
    ] as const) {
      mkdirSync(join(secret, version), { recursive: true });
      copyFileSync(join(certs, `${source}.crt`), join(secret, version, 'tls.crt'));
      copyFileSync(join(certs, `${source}.key`), join(secret, version, 'tls.key'));
    }
    symlinkSync('..2024_01', join(secret, '..data'));
    symlinkSync('..data/tls.crt', join(secret, 'tls.crt'));
    symlinkSync('..data/tls.key', join(secret, 'tls.key'));
    const running = await serveTls(join(secret, 'tls.crt'), join(secret, 'tls.key'));
    expect(await servedFingerprint(running.port)).toBe(fingerprintA);

    symlinkSync('..2024_02', join(secret, '..data_tmp'));
    renameSync(join(secret, '..data_tmp'), join(secret, '..data'));
    const tookMs = await waitFor(async () => (await servedFingerprint(running.port)) === fingerprintB);
    expect(tookMs).toBeLessThan(2000);
  });

  it('keeps the previous certificate when the new key does not match, and logs why', async () => {
    const live = join(certs, 'mismatch');
    mkdirSync(live);
    copyFileSync(join(certs, 'a.crt'), join(live, 'tls.crt'));
    copyFileSync(join(certs, 'a.key'), join(live, 'tls.key'));
    const lines: string[] = [];
    const running = await serveTls(join(live, 'tls.crt'), join(live, 'tls.key'), lines);

    copyFileSync(join(certs, 'b.crt'), join(live, 'tls.crt')); // key a stays: a half-done rotation
    await waitFor(() => lines.some((line) => line.includes('tls certificate reload failed')));
    expect(await servedFingerprint(running.port)).toBe(fingerprintA);
    const failed = JSON.parse(lines.find((line) => line.includes('tls certificate reload failed')) ?? '{}');
    expect(failed.level).toBe('error');
    expect(failed.error).toMatch(/key values mismatch/i);
  });
});

// `zot serve <config>` as a real process (startup line, SIGTERM exits 0) and `zot scrub <config>` offline.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runScrub } from '../src/commands/scrub.js';
import { sha256 } from './helpers.js';

const mainScript = resolve(import.meta.dirname, '../src/main.ts');
const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
  vi.restoreAllMocks();
});

function configFile(port: number): { directory: string; path: string } {
  const directory = mkdtempSync(join(tmpdir(), 'zot-cmd-'));
  directories.push(directory);
  const path = join(directory, 'config.json');
  writeFileSync(
    path,
    JSON.stringify({
      storage: { rootDirectory: join(directory, 'data') },
      http: { address: '127.0.0.1', port },
      log: { level: 'error' },
    }),
  );
  return { directory, path };
}

describe('zot serve', () => {
  it('prints the URL it serves, answers requests, and exits 0 on SIGTERM', async () => {
    const { path } = configFile(0);
    const child = spawn(process.execPath, ['--import', 'tsx', mainScript, 'serve', path], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const url = await new Promise<string>((done, fail) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /serving (http:\/\/[^\s]+)/.exec(stderr);
        if (match?.[1] !== undefined) done(match[1]);
      });
      child.on('exit', () => fail(new Error(stderr)));
    });
    expect((await fetch(`${url}/v2/`)).status).toBe(200);
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);
});

describe('zot scrub', () => {
  it('exits 0 on healthy storage and 1 with the finding when a blob is corrupt', async () => {
    const { directory, path } = configFile(5000);
    // push one blob through the library, offline
    const { createStore } = await import('@zot-ts/oci-store');
    const store = createStore({ rootDirectory: join(directory, 'data') });
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux' });
    const uploads = store.repository('app').uploads;
    await uploads.putBlob(Readable.from([Buffer.from(config)]), sha256(config));
    await uploads.putBlob(Readable.from([Buffer.from('layer')]), sha256('layer'));
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256(config),
        size: config.length,
      },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256('layer'), size: 5 }],
    });
    await store
      .repository('app')
      .manifests.put('v1', 'application/vnd.oci.image.manifest.v1+json', Buffer.from(manifest));
    const output: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      output.push(String(chunk));
      return true;
    });
    expect(await runScrub([path])).toBe(0);
    const blobDirectory = join(directory, 'data', 'app', 'blobs', 'sha256');
    expect(readdirSync(blobDirectory)).toContain(sha256('layer').slice(7));
    writeFileSync(join(blobDirectory, sha256('layer').slice(7)), 'tampered');
    expect(await runScrub([path])).toBe(1);
    expect(output.join('')).toContain(sha256('layer'));
  });

  it('needs a config path', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await runScrub([])).toBe(2);
  });
});

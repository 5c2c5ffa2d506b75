// `http.workers: 2` through the real program (`zot serve <config>`, node:cluster): every request opens its own
// connection, so the primary hands them to both workers in turn. An image pushed through one worker is read
// through the other; /metrics counts the requests of both; a second server on the same root is refused while
// the cluster runs; a worker killed with SIGKILL is started again; SIGTERM stops everything with status 0 and
// removes the storage lock.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { coordinationDirectoryOf } from '@zot-ts/oci-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './server-tls-certs.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
let directory: string;
let configPath: string;
let primary: ChildProcess;
let stderr = '';
let url: string;

/** One request on a connection of its own (agent: false), so consecutive requests reach different workers. */
function send(method: string, path: string, body?: Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((done, fail) => {
    const req = request(`${url}${path}`, { method, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', fail);
    req.end(body);
  });
}

const digestOf = (content: Buffer) => `sha256:${createHash('sha256').update(content).digest('hex')}`;

async function pushBlob(repository: string, content: Buffer): Promise<string> {
  const started = await send('POST', `/v2/${repository}/blobs/uploads/`);
  expect(started.status).toBe(202);
  const location = String(started.headers.location);
  const digest = digestOf(content);
  const separator = location.includes('?') ? '&' : '?';
  const path = location.startsWith('http') ? new URL(location).pathname + new URL(location).search : location;
  const finished = await send('PUT', `${path}${separator}digest=${digest}`, content, {
    'Content-Type': 'application/octet-stream',
  });
  expect(finished.status).toBe(201);
  return digest;
}

function workerPids(): number[] {
  const children = readFileSync(`/proc/${primary.pid}/task/${primary.pid}/children`, 'utf8').trim();
  return children === '' ? [] : children.split(' ').map(Number);
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'zot-cluster-'));
  configPath = join(directory, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      storage: { rootDirectory: join(directory, 'data') },
      http: { address: '127.0.0.1', port: 0, workers: 2 },
      log: { level: 'error' },
      extensions: { metrics: { enable: true } },
    }),
  );
  primary = spawn('node', ['--import', 'tsx', 'apps/registry/src/main.ts', 'serve', configPath], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  primary.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await waitFor(() => /zot: serving (\S+) .*2 worker processes/.test(stderr), 30_000);
  url = /zot: serving (\S+)/.exec(stderr)?.[1] ?? '';
}, 40_000);

afterAll(() => {
  if (primary.exitCode === null) primary.kill('SIGKILL');
  rmSync(coordinationDirectoryOf(join(directory, 'data')), { recursive: true, force: true });
  rmSync(directory, { recursive: true, force: true });
});

describe('zot serve with http.workers: 2', () => {
  it('runs two workers, and what one stores the other serves', async () => {
    expect(workerPids()).toHaveLength(2);
    const layer = Buffer.from('cluster layer');
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux' }));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: await pushBlob('team/app', config),
          size: config.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar',
            digest: await pushBlob('team/app', layer),
            size: layer.length,
          },
        ],
      }),
    );
    const put = await send('PUT', '/v2/team/app/manifests/v1', manifest, {
      'Content-Type': 'application/vnd.oci.image.manifest.v1+json',
    });
    expect(put.status).toBe(201);
    // every read on a new connection: half of them go to the worker that did not take the push
    for (let i = 0; i < 6; i++) {
      const got = await send('GET', '/v2/team/app/manifests/v1', undefined, {
        Accept: 'application/vnd.oci.image.manifest.v1+json',
      });
      expect(got.status).toBe(200);
      expect(got.body.equals(manifest)).toBe(true);
      expect(JSON.parse((await send('GET', '/v2/_catalog')).body.toString())).toEqual({
        repositories: ['team/app'],
      });
    }
  }, 20_000);

  it('a chunked upload whose chunks reach different workers ends with the right digest', async () => {
    const chunks = [Buffer.alloc(70_000, 1), Buffer.alloc(50_000, 2), Buffer.alloc(30_000, 3)];
    const whole = Buffer.concat(chunks);
    const started = await send('POST', '/v2/team/chunked/blobs/uploads/');
    expect(started.status).toBe(202);
    let location = String(started.headers.location);
    let offset = 0;
    // each PATCH on its own connection: the primary hands them to the workers in turn, so every chunk is
    // appended by a process whose hash state (if any) is behind the file, and must be rebuilt from it
    for (const chunk of chunks) {
      const patched = await send('PATCH', location, chunk, {
        'Content-Type': 'application/octet-stream',
        'Content-Range': `${offset}-${offset + chunk.length - 1}`,
      });
      expect(patched.status).toBe(202);
      offset += chunk.length;
      location = String(patched.headers.location);
    }
    const separator = location.includes('?') ? '&' : '?';
    const finished = await send('PUT', `${location}${separator}digest=${digestOf(whole)}`);
    expect(finished.status).toBe(201);
    const fetched = await send('GET', `/v2/team/chunked/blobs/${digestOf(whole)}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.equals(whole)).toBe(true);
  }, 20_000);

  it('/metrics counts the requests of every worker', async () => {
    const count = async () => {
      const text = (await send('GET', '/metrics')).body.toString();
      const line = text
        .split('\n')
        .find((l) => l.startsWith('zot_http_requests_total{method="GET",code="200"}'));
      return Number(line?.split(' ').pop() ?? Number.NaN);
    };
    const before = await count();
    for (let i = 0; i < 10; i++) expect((await send('GET', '/v2/')).status).toBe(200);
    // one worker alone would have seen about half of these
    expect((await count()) - before).toBeGreaterThanOrEqual(10);
  }, 20_000);

  it('refuses a second server on the same storage root', async () => {
    const second = spawn('node', ['--import', 'tsx', 'apps/registry/src/main.ts', 'serve', configPath], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let text = '';
    second.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const code = await new Promise<number | null>((done) => second.on('exit', (c) => done(c)));
    expect(code).not.toBe(0);
    expect(text).toContain(`is in use by process ${primary.pid}`);
  }, 30_000);

  it('stops, status 1, when its workers cannot listen (the port is taken)', async () => {
    const otherConfig = join(directory, 'taken-port.json');
    writeFileSync(
      otherConfig,
      JSON.stringify({
        storage: { rootDirectory: join(directory, 'other-data') },
        http: { address: '127.0.0.1', port: Number(new URL(url).port), workers: 2 },
        log: { level: 'error' },
      }),
    );
    const other = spawn('node', ['--import', 'tsx', 'apps/registry/src/main.ts', 'serve', otherConfig], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let text = '';
    other.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const code = await new Promise<number | null>((done) => other.on('exit', (c) => done(c)));
    expect(code).toBe(1);
    expect(text).toMatch(/worker \d failed to start/);
    expect(existsSync(join(directory, 'other-data', '.zot-ts.lock'))).toBe(false);
  }, 30_000);

  it('starts a worker killed with SIGKILL again, and keeps serving', async () => {
    const [victim] = workerPids();
    process.kill(victim ?? 0, 'SIGKILL');
    await waitFor(() => /worker \d exited \(SIGKILL\), starting it again/.test(stderr), 10_000);
    await waitFor(() => workerPids().length === 2 && !workerPids().includes(victim ?? 0), 20_000);
    for (let i = 0; i < 4; i++) expect((await send('GET', '/v2/team/app/tags/list')).status).toBe(200);
  }, 40_000);

  it('stops every process on SIGTERM with status 0 and releases the storage lock', async () => {
    const workers = workerPids();
    primary.kill('SIGTERM');
    const code = await new Promise<number | null>((done) => primary.on('exit', (c) => done(c)));
    expect(code).toBe(0);
    expect(existsSync(join(directory, 'data', '.zot-ts.lock'))).toBe(false);
    for (const pid of workers) expect(existsSync(`/proc/${pid}`)).toBe(false);
  }, 30_000);
});

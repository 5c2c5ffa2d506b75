// The server around the API: health, CORS, request and audit logs, timeouts, graceful shutdown, TLS.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256, startTestRegistry, type TestRegistry } from './helpers.js';

const started: TestRegistry[] = [];
async function start(...args: Parameters<typeof startTestRegistry>): Promise<TestRegistry> {
  const registry = await startTestRegistry(...args);
  started.push(registry);
  return registry;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((r) => r.dispose()));
});

function readLines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('server', () => {
  it('answers the health endpoints', async () => {
    const registry = await start();
    for (const path of ['/livez', '/readyz', '/startupz'])
      expect((await fetch(`${registry.url}${path}`)).status, path).toBe(200);
  });

  it('answers CORS from http.allowOrigin', async () => {
    const registry = await start({ http: { allowOrigin: 'https://ui.example' } });
    const response = await fetch(`${registry.url}/v2/`, { headers: { Origin: 'https://ui.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('https://ui.example');
    const preflight = await fetch(`${registry.url}/v2/app/tags/list`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://ui.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    // a manifest GET writes its bytes straight to the Node response: the headers set before it are kept
    const config = '{}';
    const configDigest = sha256(config);
    await fetch(`${registry.url}/v2/app/blobs/uploads/?digest=${configDigest}`, {
      method: 'POST',
      body: config,
    });
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: 2 },
      layers: [],
    });
    const put = await fetch(`${registry.url}/v2/app/manifests/v1`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
      body: manifest,
    });
    expect(put.status).toBe(201);
    const got = await fetch(`${registry.url}/v2/app/manifests/v1`, {
      headers: { Origin: 'https://ui.example', Accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(got.status).toBe(200);
    expect(got.headers.get('access-control-allow-origin')).toBe('https://ui.example');
    expect(got.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(got.headers.get('docker-content-digest')).toBe(sha256(manifest));
    expect(got.headers.get('content-type')).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(await got.text()).toBe(manifest);
  });

  it('writes one JSON line per request to log.output and one audit line per write to log.audit', async () => {
    const logDirectory = mkdtempSync(join(tmpdir(), 'zot-logs-'));
    const logged = await start({
      log: { level: 'info', output: join(logDirectory, 'zot.log'), audit: join(logDirectory, 'audit.log') },
    });
    const digest = sha256('audited');
    await fetch(`${logged.url}/v2/app/blobs/uploads/?digest=${digest}`, { method: 'POST', body: 'audited' });
    // read the body: the request line is written when the response has been sent, not when headers arrive
    await (await fetch(`${logged.url}/v2/app/blobs/${digest}`)).arrayBuffer();
    await logged.close();
    const requests = readLines(join(logDirectory, 'zot.log')).filter((l) => l.message === 'request');
    expect(requests).toHaveLength(2);
    expect(requests[1]).toMatchObject({
      level: 'info',
      method: 'GET',
      path: `/v2/app/blobs/${digest}`,
      status: 200,
      bytes: 7,
      clientIp: '127.0.0.1',
    });
    expect(typeof requests[1]?.latencyMs).toBe('number');
    const audit = readLines(join(logDirectory, 'audit.log'));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      subject: 'anonymous',
      method: 'POST',
      repository: 'app',
      status: 201,
      result: 'ok',
    });
    rmSync(logDirectory, { recursive: true, force: true });
  });

  it('closes the socket of a client that stalls mid-upload (idle timeout), without a whole-request deadline', async () => {
    const registry = await start({}, { timeouts: { idleMs: 300 } });
    const session = await fetch(`${registry.url}/v2/app/blobs/uploads/`, { method: 'POST' });
    const location = session.headers.get('location') ?? '';
    // a body that sends one chunk and then stalls forever
    const stalled = new ReadableStream({
      start(controller) {
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const startedAt = Date.now();
    const outcome = await fetch(`${registry.url}${location}`, {
      method: 'PATCH',
      body: stalled,
      duplex: 'half',
    } as RequestInit).then(
      (response) => `status ${response.status}`,
      () => 'connection closed',
    );
    expect(outcome).toBe('connection closed');
    expect(Date.now() - startedAt).toBeLessThan(5000);
    // a slow but steady upload outlives the idle timeout several times over
    let sent = 0;
    const steady = new ReadableStream({
      async pull(controller) {
        if (sent === 8) return controller.close();
        await new Promise((r) => setTimeout(r, 150));
        controller.enqueue(Buffer.from(`chunk-${sent++};`));
      },
    });
    const fresh = await fetch(`${registry.url}/v2/app/blobs/uploads/`, { method: 'POST' });
    const patched = await fetch(`${registry.url}${fresh.headers.get('location')}`, {
      method: 'PATCH',
      body: steady,
      duplex: 'half',
    } as RequestInit);
    expect(patched.status).toBe(202);
  });

  it('finishes an in-flight upload on close, then refuses new connections', async () => {
    const registry = await start();
    const session = await fetch(`${registry.url}/v2/app/blobs/uploads/`, { method: 'POST' });
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const body = new ReadableStream({
      async start(controller) {
        controller.enqueue(Buffer.from('part one;'));
        await gate;
        controller.enqueue(Buffer.from('part two'));
        controller.close();
      },
    });
    const inFlight = fetch(`${registry.url}${session.headers.get('location')}`, {
      method: 'PATCH',
      body,
      duplex: 'half',
    } as RequestInit);
    await new Promise((r) => setTimeout(r, 100));
    const closing = registry.close();
    await new Promise((r) => setTimeout(r, 100));
    release();
    const response = await inFlight;
    expect(response.status).toBe(202);
    expect(response.headers.get('range')).toBe('0-16');
    await closing;
    await expect(fetch(`${registry.url}/v2/`)).rejects.toThrow();
  });

  it('serves HTTPS with http.tls cert and key', async () => {
    const plain = await start();
    const cert = join(plain.directory, 'cert.pem');
    const key = join(plain.directory, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const secure = await start({ http: { tls: { cert, key } } });
    expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const status = await new Promise<number>((resolve, reject) => {
      httpsRequest(`${secure.url}/v2/`, { rejectUnauthorized: false }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(200);
  });
});

// The HTTP sink over TLS: the sink trusts the receiver through tlsConfig.caCertFile only (a self-signed
// certificate made here with Debian's openssl), and refuses a receiver it cannot verify.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEventRecorder } from '../src/index.js';

let directory: string;
let server: Server;
let url: string;
const received: string[] = [];

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'events-tls-'));
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    join(directory, 'key.pem'),
    '-out',
    join(directory, 'cert.pem'),
    '-subj',
    '/CN=events receiver',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-days',
    '1',
  ]);
  server = createServer(
    { key: readFileSync(join(directory, 'key.pem')), cert: readFileSync(join(directory, 'cert.pem')) },
    (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        response.statusCode = 202;
        response.end();
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `https://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/events`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(directory, { recursive: true, force: true });
});

it('delivers over HTTPS to a receiver whose CA is configured, and not to one it cannot verify', async () => {
  const trusting = createEventRecorder({
    sinks: [{ type: 'http', address: url, tls: { caCertFile: join(directory, 'cert.pem') } }],
  });
  const untrusting = createEventRecorder({
    sinks: [{ type: 'http', address: url }],
    initialRetryDelayMs: 20,
  });
  const failures: string[] = [];
  const watched = createEventRecorder({
    sinks: [{ type: 'http', address: url }],
    onAttemptFailed: (_sink, _event, error) => failures.push(String(error)),
  });
  trusting.repositoryCreated('over-tls');
  untrusting.repositoryCreated('never');
  watched.repositoryCreated('never-either');
  expect(await trusting.drained(5000)).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(received.map((body) => (JSON.parse(body) as { data: { name: string } }).data.name)).toEqual([
    'over-tls',
  ]);
  expect(Object.values(untrusting.stats())[0]?.queued).toBe(1);
  expect(failures[0]).toMatch(/certificate/i);
  await Promise.all([trusting.close(), untrusting.close(), watched.close()]);
});

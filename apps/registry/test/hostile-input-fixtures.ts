// Helpers for the hostile-input suite (issue 21): real servers on loopback, htpasswd files by the real tool,
// images whose manifests differ by an annotation, UI sessions and API keys obtained as a client would.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basic, type Headers, htpasswdLines } from './auth-fixtures.js';
import { sha256 } from './helpers.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const UI = { 'X-ZOT-API-CLIENT': 'zot-ui' };

/** A temporary directory with an htpasswd file; `write` replaces the users (as `htpasswd -D` would remove one). */
export function htpasswdDirectory(users: Record<string, string>, cost = 4) {
  const directory = mkdtempSync(join(tmpdir(), 'zot-hostile-'));
  const path = join(directory, 'htpasswd');
  const write = (next: Record<string, string>) => writeFileSync(path, `${htpasswdLines(next, cost)}\n`);
  write(users);
  return { directory, path, write, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

async function pushBlob(url: string, repo: string, content: string, headers: Headers): Promise<void> {
  const response = await fetch(`${url}/v2/${repo}/blobs/uploads/?digest=${sha256(content)}`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/octet-stream' },
    body: content,
  });
  await response.arrayBuffer();
  if (response.status !== 201) throw new Error(`blob push to ${repo}: ${response.status}`);
}

/** Pushes the blobs of a one-layer image and returns its manifest (not pushed); `variant` makes it unique. */
export async function imageManifest(
  url: string,
  repo: string,
  variant: string,
  headers: Headers,
): Promise<{ body: string; digest: string }> {
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [] },
  });
  const layer = `layer of ${repo}`;
  await pushBlob(url, repo, config, headers);
  await pushBlob(url, repo, layer, headers);
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: sha256(config),
      size: config.length,
    },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length },
    ],
    annotations: { variant },
  });
  return { body, digest: sha256(body) };
}

/** PUT a manifest body at `reference` (a tag or a digest), with optional `?tag=` values. */
export async function putManifest(
  url: string,
  repo: string,
  reference: string,
  body: string,
  headers: Headers,
  tags: string[] = [],
): Promise<{ status: number; code: string | undefined }> {
  const query = tags.length === 0 ? '' : `?${tags.map((t) => `tag=${encodeURIComponent(t)}`).join('&')}`;
  const response = await fetch(`${url}/v2/${repo}/manifests/${reference}${query}`, {
    method: 'PUT',
    headers: { ...headers, 'Content-Type': OCI_MANIFEST },
    body,
  });
  const text = await response.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { errors?: Array<{ code: string }> }).errors?.[0]?.code;
  } catch {
    code = undefined;
  }
  return { status: response.status, code };
}

/** The digest a tag points at (HEAD with an admin's headers), or undefined. */
export async function digestOfTag(url: string, repo: string, tag: string, headers: Headers) {
  const response = await fetch(`${url}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { ...headers, Accept: OCI_MANIFEST },
  });
  return response.status === 200 ? (response.headers.get('docker-content-digest') ?? undefined) : undefined;
}

/** Opens a UI session with a basic login (zot's `X-ZOT-API-CLIENT: zot-ui`); returns its Cookie header value. */
export async function uiSession(url: string, user: string, password: string): Promise<string> {
  const response = await fetch(`${url}/v2/_catalog`, {
    headers: { ...UI, Authorization: basic(user, password) },
  });
  await response.arrayBuffer();
  const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(';')[0] as string);
  if (!cookies.some((cookie) => cookie.startsWith('session=')))
    throw new Error(`no session: ${response.status}`);
  return cookies.join('; ');
}

/** POST /zot/auth/apikey with `body`; returns the status and the key when one was made. */
export async function createApiKey(
  url: string,
  headers: Headers,
  body: string,
): Promise<{ status: number; apiKey?: string }> {
  const response = await fetch(`${url}/zot/auth/apikey`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body,
  });
  const text = await response.text();
  if (response.status !== 201) return { status: response.status };
  return { status: 201, apiKey: (JSON.parse(text) as { apiKey: string }).apiKey };
}

// The attacker's side of a login flood, in a process of its own so that its work does not slow the server's
// event loop in the test process (on a real attack it runs on another machine).
const FLOOD_SCRIPT = `
const http = require('node:http');
const [url, localAddress, logins] = [process.argv[1], process.argv[2], JSON.parse(process.argv[3])];
const target = new URL('/v2/', url);
const one = ([user, password]) => new Promise((resolve) => {
  const authorization = 'Basic ' + Buffer.from(user + ':' + password).toString('base64');
  const request = http.request({ host: target.hostname, port: target.port, path: target.pathname, localAddress,
    agent: false, headers: { authorization } }, (response) => {
    response.resume();
    response.on('end', () => resolve(response.statusCode));
  });
  request.on('error', () => resolve(0));
  request.end();
});
Promise.all(logins.map(one)).then((statuses) => process.stdout.write(JSON.stringify(statuses)));
`;

/** Sends every `[user, password]` login at once to GET /v2/ from `localAddress`; resolves to their statuses. */
export function floodFrom(
  url: string,
  localAddress: string,
  logins: Array<[string, string]>,
): Promise<number[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', FLOOD_SCRIPT, url, localAddress, JSON.stringify(logins)],
      { maxBuffer: 1024 * 1024 },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as number[])),
    );
  });
}

/** A request with `path` sent exactly as written (fetch and URL would resolve `..` before sending it). */
export function rawRequest(
  url: string,
  method: string,
  path: string,
  headers: Headers = {},
): Promise<number> {
  const base = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: base.hostname, port: base.port, path, method, headers },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

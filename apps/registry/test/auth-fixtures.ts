// Helpers for the auth and authz end-to-end tests: htpasswd files made by the real `htpasswd` tool, credentials,
// and a small image push/pull over plain HTTP that reports each status (so tests can assert nothing was written).
import { execFileSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { sha256 } from './helpers.js';

/** `htpasswd -Bbn -C <cost>` for each user (cost 4: fast; the brute-force test asks for more). */
export function htpasswdLines(users: Record<string, string>, cost = 4): string {
  return Object.entries(users)
    .map(([user, password]) =>
      execFileSync('htpasswd', ['-Bbn', '-C', String(cost), user, password], { encoding: 'utf8' }).trim(),
    )
    .join('\n');
}

export const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export type Headers = Record<string, string>;

async function pushBlob(url: string, repo: string, content: string, headers: Headers): Promise<number> {
  const digest = sha256(content);
  const response = await fetch(`${url}/v2/${repo}/blobs/uploads/?digest=${digest}`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/octet-stream' },
    body: content,
  });
  await response.arrayBuffer();
  return response.status;
}

export interface PushResult {
  /** Status of the first refused step, or of the manifest PUT when all went through. */
  status: number;
  digest: string;
  /** The error body of a refused step. */
  body?: { errors?: Array<{ code: string; detail?: { reason?: string } }> } | undefined;
  wwwAuthenticate?: string | null;
}

/** Pushes a one-layer image (config, layer, manifest) as `tag`; stops at the first refused request. */
export async function pushImage(
  url: string,
  repo: string,
  tag: string,
  headers: Headers = {},
): Promise<PushResult> {
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [] },
  });
  const layer = `layer of ${repo}`;
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: sha256(config),
      size: config.length,
    },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length },
    ],
  });
  const digest = sha256(manifest);
  for (const content of [config, layer]) {
    const status = await pushBlob(url, repo, content, headers);
    if (status !== 201) {
      const probe = await fetch(`${url}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers });
      return {
        status,
        digest,
        body: (await probe.json()) as PushResult['body'],
        wwwAuthenticate: probe.headers.get('www-authenticate'),
      };
    }
  }
  const response = await fetch(`${url}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    headers: { ...headers, 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
    body: manifest,
  });
  const text = await response.text();
  return {
    status: response.status,
    digest,
    ...(response.status >= 400 ? { body: JSON.parse(text) as PushResult['body'] } : {}),
    wwwAuthenticate: response.headers.get('www-authenticate'),
  };
}

export interface Answer {
  status: number;
  json: { errors?: Array<{ code: string; message?: string; detail?: { reason?: string } }> } & Record<
    string,
    unknown
  >;
  headers: globalThis.Headers;
}

export async function get(url: string, path: string, headers: Headers = {}, method = 'GET'): Promise<Answer> {
  const response = await fetch(`${url}${path}`, { method, headers });
  const text = await response.text();
  let json: Answer['json'] = {};
  try {
    json = text === '' ? {} : (JSON.parse(text) as Answer['json']);
  } catch {
    json = {};
  }
  return { status: response.status, json, headers: response.headers };
}

/** A GET with raw header lines, so one header may appear twice (fetch would merge them). */
export function rawGet(url: string, path: string, rawHeaders: Array<[string, string]>): Promise<number> {
  const target = new URL(path, url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'GET',
        headers: [['Host', target.host], ...rawHeaders].flat(),
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

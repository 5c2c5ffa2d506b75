// The bench's HTTP client: one keep-alive agent, requests whose response bodies are counted (kept only when
// small), and the blob and image pushes every registry supports.
import { createHash, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';

export const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: number;
  text: string;
}

/** One HTTP request; the response body is counted (and kept as text only when small). */
export function http(
  base: string,
  method: string,
  path: string,
  body?: Buffer[],
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return new Promise((done, fail) => {
    const length = body?.reduce((sum, part) => sum + part.length, 0) ?? 0;
    const req = request(
      `${base}${path}`,
      { method, agent, headers: { 'Content-Length': String(length), ...headers } },
      (res) => {
        let bytes = 0;
        const small: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes <= 64 * 1024) small.push(chunk);
        });
        res.on('end', () =>
          done({
            status: res.statusCode ?? 0,
            headers: res.headers,
            bytes,
            text: Buffer.concat(small).toString(),
          }),
        );
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    for (const part of body ?? []) req.write(part);
    req.end();
  });
}

/** The PUT target that ends an upload session: Location may be absolute and may carry a query (distribution). */
export function finishPath(location: string | string[] | undefined, digest: string): string {
  const url = new URL(String(location), 'http://placeholder');
  url.searchParams.set('digest', digest);
  return `${url.pathname}${url.search}`;
}

/** POST a session, then PUT the whole blob: the push every registry supports (skopeo's monolithic upload). */
export async function pushBlob(
  base: string,
  repository: string,
  digest: string,
  parts: Buffer[],
): Promise<void> {
  const session = await http(base, 'POST', `/v2/${repository}/blobs/uploads/`);
  expectStatus(session, 202, 'start upload');
  const put = await http(base, 'PUT', finishPath(session.headers.location, digest), parts, {
    'Content-Type': 'application/octet-stream',
  });
  expectStatus(put, 201, 'put blob');
}

export function expectStatus(result: HttpResult, status: number, what: string): void {
  if (result.status !== status)
    throw new Error(`${what}: HTTP ${result.status} ${result.text.slice(0, 200)}`);
}

const sha = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** One image: `layerSizes` random layers, a config unique to the image, an OCI manifest; returns blob bytes. */
export async function pushImage(
  base: string,
  repository: string,
  tag: string,
  layerSizes: number[],
): Promise<number> {
  const descriptors = [];
  let bytes = 0;
  for (const size of layerSizes) {
    const layer = randomBytes(size);
    await pushBlob(base, repository, sha(layer), [layer]);
    descriptors.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(layer), size });
    bytes += size;
  }
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', repository, tag });
  await pushBlob(base, repository, sha(config), [Buffer.from(config)]);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: sha(config),
      size: config.length,
    },
    layers: descriptors,
  });
  const put = await http(base, 'PUT', `/v2/${repository}/manifests/${tag}`, [Buffer.from(manifest)], {
    'Content-Type': 'application/vnd.oci.image.manifest.v1+json',
  });
  expectStatus(put, 201, 'put manifest');
  return bytes;
}

// Helpers for the search tests through the real server: GraphQL over HTTP (POST, as zot's UI sends it) and a
// multi-arch index pushed with raw HTTP.
import type { RunningRegistry } from '../src/index.js';
import { client, makeImage, ociIndexType } from './conformance-fixtures.js';
import { sha256 } from './helpers.js';
import { metadataOf } from './metadata-fixtures.js';

export interface GraphQLAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked by shape with toEqual
  data: any;
  errors?: { message: string }[];
  text: string;
}

/** POSTs a GraphQL query once every metadata update so far is written. */
export async function gql(
  running: RunningRegistry,
  query: string,
  headers: Record<string, string> = {},
): Promise<GraphQLAnswer> {
  await metadataOf(running).sync.idle();
  const response = await fetch(`${running.url}/v2/_zot/ext/search`, {
    method: 'POST',
    body: JSON.stringify({ query }),
    headers: { 'Content-Type': 'application/json', ...headers },
  });
  const text = await response.text();
  const body = response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {};
  return { status: response.status, data: body.data, errors: body.errors, text };
}

/** An index of an amd64 and an arm64/v8 image, tagged `tag`; returns its digest. */
export async function pushIndex(
  url: string,
  repository: string,
  tag: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const http = client(url);
  const request = (path: string, init: RequestInit) =>
    http.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } });
  const children = [];
  for (const [arch, variant] of [
    ['amd64', ''],
    ['arm64', 'v8'],
  ] as const) {
    const config = JSON.stringify({
      architecture: arch,
      os: 'linux',
      ...(variant ? { variant } : {}),
      created: '2024-07-01T00:00:00Z',
    });
    const image = makeImage(`${repository}-${arch}`);
    const manifest = image.manifest.replace(
      /"config":\{[^}]*\}/,
      `"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"${sha256(config)}","size":${Buffer.byteLength(config)}}`,
    );
    for (const blob of [config, image.layer]) {
      const started = await request(`/v2/${repository}/blobs/uploads/`, { method: 'POST' });
      const location = started.headers.get('location') ?? '';
      await request(`${location}${location.includes('?') ? '&' : '?'}digest=${sha256(blob)}`, {
        method: 'PUT',
        body: blob,
        headers: { 'Content-Type': 'application/octet-stream' },
      });
    }
    await request(`/v2/${repository}/manifests/${sha256(manifest)}`, {
      method: 'PUT',
      body: manifest,
      headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
    });
    children.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: sha256(manifest),
      size: Buffer.byteLength(manifest),
    });
  }
  const index = JSON.stringify({ schemaVersion: 2, mediaType: ociIndexType, manifests: children });
  const put = await request(`/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    body: index,
    headers: { 'Content-Type': ociIndexType },
  });
  if (put.status !== 201) throw new Error(`index push: ${put.status}`);
  return sha256(index);
}

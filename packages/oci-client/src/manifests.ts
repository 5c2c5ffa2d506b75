// Manifests: GET with Accept negotiation over OCI and Docker v2 types (images and indexes), HEAD for the
// digest only, PUT. A manifest fetched by digest is checked against that digest; one fetched by tag is
// checked against the Docker-Content-Digest the registry announced.
import { createHash } from 'node:crypto';
import type { Caller } from './caller.js';
import { RegistryClientError } from './errors.js';
import { readBody } from './http.js';
import { pullScope, pushScope } from './scopes.js';

export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

/** The spec caps manifests at 4 MiB in practice; read no more than that from an upstream. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface FetchedManifest {
  digest: string;
  mediaType: string;
  content: Buffer;
}

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

const isDigest = (reference: string) => /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(reference);
const sha256 = (content: Uint8Array) => `sha256:${createHash('sha256').update(content).digest('hex')}`;
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The media type of a manifest: its `mediaType` field, else the Content-Type the registry sent. */
function mediaTypeOf(content: Buffer, contentType: string | undefined): string {
  try {
    const parsed = JSON.parse(content.toString('utf8')) as { mediaType?: unknown };
    if (typeof parsed.mediaType === 'string' && parsed.mediaType !== '') return parsed.mediaType;
  } catch {
    throw new RegistryClientError('INVALID_RESPONSE', 'manifest is not JSON');
  }
  const type = contentType?.split(';')[0]?.trim();
  if (type === undefined || type === '')
    throw new RegistryClientError('INVALID_RESPONSE', 'manifest without a media type');
  return type;
}

export async function getManifest(
  caller: Caller,
  repository: string,
  reference: string,
  options: { accept?: string[]; signal?: AbortSignal } = {},
): Promise<FetchedManifest> {
  const what = `GET manifest ${repository}:${reference}`;
  const response = await caller.call({
    method: 'GET',
    path: `/v2/${repository}/manifests/${reference}`,
    headers: { accept: (options.accept ?? MANIFEST_ACCEPT).join(', ') },
    scopes: [pullScope(repository)],
    expect: [200],
    what,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const content = await readBody(response.body, MAX_MANIFEST_BYTES);
  const digest = sha256(content);
  const announced = first(response.headers['docker-content-digest']);
  const expected = isDigest(reference) ? reference : announced;
  // only sha256 can be recomputed here; another algorithm is taken as announced
  if (expected?.startsWith('sha256:') && expected !== digest)
    throw new RegistryClientError('DIGEST_MISMATCH', `${what}: content is ${digest}, expected ${expected}`);
  return {
    digest: expected ?? digest,
    mediaType: mediaTypeOf(content, first(response.headers['content-type'])),
    content,
  };
}

/** undefined when the registry has no such manifest. */
export async function headManifest(
  caller: Caller,
  repository: string,
  reference: string,
  options: { accept?: string[]; signal?: AbortSignal } = {},
): Promise<ManifestHead | undefined> {
  const response = await caller.call({
    method: 'HEAD',
    path: `/v2/${repository}/manifests/${reference}`,
    headers: { accept: (options.accept ?? MANIFEST_ACCEPT).join(', ') },
    scopes: [pullScope(repository)],
    expect: [200, 404],
    what: `HEAD manifest ${repository}:${reference}`,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  response.body.resume();
  if (response.status === 404) return undefined;
  const digest = first(response.headers['docker-content-digest']);
  // a registry that omits the digest on HEAD (some do) is asked with GET instead
  if (digest === undefined) {
    const fetched = await getManifest(caller, repository, reference, options);
    return { digest: fetched.digest, mediaType: fetched.mediaType, size: fetched.content.length };
  }
  return {
    digest,
    mediaType: first(response.headers['content-type'])?.split(';')[0]?.trim() ?? '',
    size: Number(first(response.headers['content-length']) ?? 0),
  };
}

export async function putManifest(
  caller: Caller,
  repository: string,
  reference: string,
  mediaType: string,
  content: Uint8Array,
  signal?: AbortSignal,
): Promise<string> {
  const response = await caller.call({
    method: 'PUT',
    path: `/v2/${repository}/manifests/${reference}`,
    headers: { 'content-type': mediaType, 'content-length': String(content.length) },
    body: content,
    scopes: [pushScope(repository)],
    expect: [201],
    what: `PUT manifest ${repository}:${reference}`,
    ...(signal === undefined ? {} : { signal }),
  });
  response.body.resume();
  return first(response.headers['docker-content-digest']) ?? sha256(content);
}

export async function deleteManifest(caller: Caller, repository: string, reference: string): Promise<void> {
  const response = await caller.call({
    method: 'DELETE',
    path: `/v2/${repository}/manifests/${reference}`,
    scopes: [`repository:${repository}:delete`],
    expect: [202],
    what: `DELETE manifest ${repository}:${reference}`,
  });
  response.body.resume();
}

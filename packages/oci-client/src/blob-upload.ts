// Blob upload: skipped when the registry has the blob, a cross-repository mount when a source repository is
// named (201: done; 202: the registry declined and opened an ordinary session), then either one monolithic
// PUT (streamed from `open()`) or PATCH chunks with Content-Range and a closing PUT ?digest=.
import { Readable } from 'node:stream';
import { headBlob } from './blob-download.js';
import type { Caller } from './caller.js';
import { RegistryClientError } from './errors.js';
import { pullScope, pushScope } from './scopes.js';

export interface BlobSource {
  digest: string;
  size: number;
  /** A fresh stream of the blob (or its bytes); called again for a retry. */
  open: () => Readable | Uint8Array;
}

export interface BlobUploadOptions {
  /** Mount from this repository of the same registry when it has the blob. */
  mountFrom?: string;
  /** PATCH chunks of this many bytes; 0 or unset uploads in one PUT. */
  chunkSize?: number;
  signal?: AbortSignal;
}

export type BlobUploadOutcome = 'exists' | 'mounted' | 'uploaded';

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function withDigest(location: string, digest: string): string {
  const url = new URL(location, 'http://placeholder.invalid');
  url.searchParams.set('digest', digest);
  return location.startsWith('/') ? `${url.pathname}${url.search}` : url.toString();
}

export async function pushBlob(
  caller: Caller,
  repository: string,
  blob: BlobSource,
  options: BlobUploadOptions = {},
): Promise<BlobUploadOutcome> {
  if ((await headBlob(caller, repository, blob.digest)) !== undefined) return 'exists';
  const what = `upload blob ${repository}@${blob.digest}`;
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const mount = options.mountFrom === undefined ? '' : `?mount=${blob.digest}&from=${options.mountFrom}`;
  const start = await caller.call({
    method: 'POST',
    path: `/v2/${repository}/blobs/uploads/${mount}`,
    headers: { 'content-length': '0' },
    scopes:
      options.mountFrom === undefined
        ? [pushScope(repository)]
        : [pushScope(repository), pullScope(options.mountFrom)],
    expect: [201, 202],
    what,
    ...signal,
  });
  start.body.resume();
  if (start.status === 201) return 'mounted';
  let location = first(start.headers.location);
  if (location === undefined) throw new RegistryClientError('INVALID_RESPONSE', `${what}: no Location`);
  const chunkSize = options.chunkSize ?? 0;
  if (chunkSize <= 0) {
    const put = await caller.call({
      method: 'PUT',
      path: withDigest(location, blob.digest),
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
      body: () => {
        const opened = blob.open();
        return opened instanceof Uint8Array ? Readable.from([Buffer.from(opened)]) : opened;
      },
      scopes: [pushScope(repository)],
      expect: [201],
      what,
      ...signal,
    });
    put.body.resume();
    return 'uploaded';
  }
  let offset = 0;
  for await (const chunk of chunksOf(blob.open(), chunkSize)) {
    const patch = await caller.call({
      method: 'PATCH',
      path: location,
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(chunk.length),
        'content-range': `${offset}-${offset + chunk.length - 1}`,
      },
      body: chunk,
      scopes: [pushScope(repository)],
      expect: [202],
      what,
      ...signal,
    });
    patch.body.resume();
    offset += chunk.length;
    location = first(patch.headers.location) ?? location;
  }
  const close = await caller.call({
    method: 'PUT',
    path: withDigest(location, blob.digest),
    headers: { 'content-length': '0' },
    scopes: [pushScope(repository)],
    expect: [201],
    what,
    ...signal,
  });
  close.body.resume();
  return 'uploaded';
}

/** Regroups a stream into chunks of `size` bytes (the last shorter): one chunk in memory at a time. */
async function* chunksOf(source: Readable | Uint8Array, size: number): AsyncGenerator<Buffer> {
  if (source instanceof Uint8Array) {
    for (let at = 0; at < source.length; at += size) yield Buffer.from(source.subarray(at, at + size));
    return;
  }
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const piece of source) {
    let buffer = piece as Buffer;
    while (pendingBytes + buffer.length >= size) {
      const take = size - pendingBytes;
      pending.push(buffer.subarray(0, take));
      yield Buffer.concat(pending);
      buffer = buffer.subarray(take);
      pending = [];
      pendingBytes = 0;
    }
    if (buffer.length > 0) {
      pending.push(buffer);
      pendingBytes += buffer.length;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}

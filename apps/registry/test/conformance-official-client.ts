// The requests of the official conformance suite (reggie) as plain fetch: a default namespace, relative
// Locations followed as the suite follows them, and its status expectations as small helpers.
import { request } from 'node:http';
import { expect } from 'vitest';
import type { Blob } from './conformance-official-fixtures.js';

export interface SendOptions {
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer;
}

export function conformanceClient(base: string, namespace: string) {
  const url = (path: string, query: Record<string, string> = {}) => {
    const target = new URL(path.replace('<name>', namespace), base);
    for (const [key, value] of Object.entries(query)) target.searchParams.append(key, value);
    return target;
  };
  const send = (method: string, path: string, options: SendOptions = {}) =>
    fetch(url(path, options.query), {
      method,
      headers: options.headers ?? {},
      ...(options.body === undefined ? {} : { body: options.body }),
    });
  return {
    send,
    url,
    /** reggie's GetRelativeLocation: the path and query of the Location header. */
    relativeLocation(response: Response): string {
      const location = response.headers.get('location') ?? '';
      const parsed = new URL(location, base);
      return `${parsed.pathname}${parsed.search}`;
    },
    /** "Populate registry with test blob": POST, then PUT the whole content to the Location. */
    async pushBlob(of: Blob, name = '<name>'): Promise<Response> {
      const started = await send('POST', `/v2/${name}/blobs/uploads/`);
      return send('PUT', this.relativeLocation(started), {
        query: { digest: of.digest },
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(of.content.length) },
        body: of.content,
      });
    },
    putManifest(reference: string, of: Blob, contentType: string): Promise<Response> {
      return send('PUT', `/v2/<name>/manifests/${reference}`, {
        headers: { 'Content-Type': contentType },
        body: of.content,
      });
    },
  };
}

/** A GET with a body, as Go's client sends it and fetch refuses to: status and body text. */
export function getWithBody(
  target: URL,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(target, {
      method: 'GET',
      headers: { ...headers, 'Content-Length': body.length },
    });
    outgoing.on('error', reject);
    outgoing.on('response', (incoming) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (part: string) => {
        text += part;
      });
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, text }));
    });
    outgoing.end(body);
  });
}

export type ConformanceClient = ReturnType<typeof conformanceClient>;

export function expect2xx(response: Response): void {
  expect(response.status, `${response.url} -> ${response.status}`).toBeGreaterThanOrEqual(200);
  expect(response.status, `${response.url} -> ${response.status}`).toBeLessThan(300);
}

/** Teardown: a 2xx, or one of the statuses the suite also accepts there (404, 405). */
export function expect2xxOr(response: Response, ...others: number[]): void {
  if (response.status >= 200 && response.status < 300) return;
  expect(others, `${response.url} -> ${response.status}`).toContain(response.status);
}

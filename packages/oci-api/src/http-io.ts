// Request bodies in and blob bodies out, without buffering: under @hono/node-server we read the Node request
// and write the Node response directly (1 MiB chunks from the store); under app.request() the web streams.
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import type { OciApiEnv } from './api-types.js';
import { OciError } from './store-contract.js';
import { writeBody } from './write-body.js';

// @hono/node-server skips a response carrying this header: the handler wrote the Node response itself.
const alreadySentHeader = 'x-hono-already-sent';

const emptyBody: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

/** The raw request body as a stream. Never touches c.req.raw.body under Node, so Hono never wraps it. */
export function requestBody(c: Context<OciApiEnv>): AsyncIterable<Uint8Array> | Readable {
  const incoming = c.env?.incoming;
  if (incoming !== undefined && typeof incoming.pipe === 'function') return incoming;
  const body = c.req.raw.body;
  return body === null ? emptyBody : (body as unknown as AsyncIterable<Uint8Array>);
}

/** Whether the request carries a body (Content-Length > 0, or chunked transfer). */
export function hasRequestBody(c: Context<OciApiEnv>): boolean {
  const length = c.req.header('content-length');
  if (length !== undefined) return Number(length) > 0;
  if (c.req.header('transfer-encoding') !== undefined) return true;
  return c.env?.incoming === undefined && c.req.raw.body !== null;
}

/** Content-Length as a number when present and well-formed; SIZE_INVALID when malformed. */
export function declaredLength(c: Context<OciApiEnv>): number | undefined {
  const value = c.req.header('content-length');
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new OciError('SIZE_INVALID', { detail: { contentLength: value } });
  return Number(value);
}

/** Reads a small body (a manifest) up to `limit` bytes; beyond it, 413 SIZE_TOO_LARGE without reading the rest. */
export async function readLimitedBody(c: Context<OciApiEnv>, limit: number): Promise<Uint8Array> {
  const declared = declaredLength(c);
  if (declared !== undefined && declared > limit)
    throw new OciError('SIZE_TOO_LARGE', { detail: { limit, contentLength: declared } });
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of requestBody(c)) {
    total += chunk.byteLength;
    if (total > limit) throw new OciError('SIZE_TOO_LARGE', { detail: { limit } });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/**
 * Sends `status` + `headers` and streams `body`. Headers set earlier with c.header() (CORS, API version) are kept.
 * Resolves once the body is written, so request logs measure the whole transfer.
 */
export async function sendStream(
  c: Context<OciApiEnv>,
  status: number,
  headers: Record<string, string>,
  body: Readable | AsyncIterable<Uint8Array>,
): Promise<Response> {
  const outgoing = c.env?.outgoing;
  if (outgoing === undefined) {
    const stream = body instanceof Readable ? body : Readable.from(body);
    return c.body(Readable.toWeb(stream) as unknown as ReadableStream, status as 200, headers);
  }
  outgoing.writeHead(status, headersWith(c, headers));
  c.set('responseStatus', status);
  // a client gone mid-body, or the store failing mid-stream, closes the connection: the headers are gone,
  // so there is no error body to send
  const { bytes } = await writeBody(body as AsyncIterable<Uint8Array>, outgoing);
  c.set('responseBytes', bytes);
  return new Response(null, { headers: { [alreadySentHeader]: 'true' } });
}

/**
 * The headers set on the context before the handler answered (CORS, the API version, Set-Cookie of a UI session
 * opened by this request), with the handler's own: for a response written straight to the Node response.
 * Each Set-Cookie stays its own header (a login sets more than one).
 */
function headersWith(
  c: Context<OciApiEnv>,
  headers: Record<string, string>,
): Record<string, string | string[]> {
  const merged: Record<string, string | string[]> = {};
  c.res.headers.forEach((value, key) => {
    if (key !== 'content-type' && key !== 'set-cookie') merged[key] = value;
  });
  const cookies = c.res.headers.getSetCookie();
  if (cookies.length > 0) merged['set-cookie'] = cookies;
  Object.assign(merged, headers);
  return merged;
}

/**
 * Sends a small body held in memory (a manifest) straight to the Node response. Through a web Response the
 * server would wrap the bytes in a ReadableStream and read it back (about a tenth of a manifest GET's CPU).
 */
export function sendBytes(
  c: Context<OciApiEnv>,
  status: number,
  headers: Record<string, string>,
  body: Uint8Array,
): Response {
  const outgoing = c.env?.outgoing;
  if (outgoing === undefined) return c.body(body as Uint8Array<ArrayBuffer>, status as 200, headers);
  outgoing.writeHead(status, headersWith(c, headers));
  outgoing.end(body);
  c.set('responseStatus', status);
  c.set('responseBytes', body.byteLength);
  return new Response(null, { headers: { [alreadySentHeader]: 'true' } });
}

/** A JSON answer with an exact Content-Length, so request logs count its bytes like any other. */
export function jsonResponse(
  c: Context<OciApiEnv>,
  value: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  const body = Buffer.from(JSON.stringify(value));
  return c.body(body, status as 200, {
    'Content-Type': 'application/json',
    'Content-Length': String(body.length),
    ...headers,
  });
}

/**
 * A JSON listing (tags, catalog, referrers) written straight to the Node response, like a manifest (sendBytes).
 * Not for errors nor the /v2/ ping: middlewares after the API change those (WWW-Authenticate).
 */
export function jsonListing(
  c: Context<OciApiEnv>,
  value: unknown,
  headers: Record<string, string> = {},
): Response {
  const body = Buffer.from(JSON.stringify(value));
  return sendBytes(
    c,
    200,
    { 'Content-Type': 'application/json', 'Content-Length': String(body.length), ...headers },
    body,
  );
}

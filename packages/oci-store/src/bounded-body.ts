// The one reader of small JSON/PEM request bodies (API-key requests, GraphQL queries, trusted keys and
// certificates): it counts bytes as they arrive and gives up past the limit, because a chunked body has no
// Content-Length to check first and Hono's bodyLimit would buffer it whole before deciding. It lives in the
// spec vocabulary beside the JSON depth guard so that auth, search and the registry share one copy.

/** Raised (or reported as undefined) when a body is longer than its limit. */
export class BodyTooLargeError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`request body larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
    this.limit = limit;
  }
}

/**
 * Reads at most `limit` bytes of a fetch `Request` body; throws BodyTooLargeError beyond it, without
 * reading the rest (the caller should close the connection rather than drain it).
 */
export async function readBodyWithin(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  if (request.body === null) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limit) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, received);
}

/** The body as UTF-8 text, or undefined when it is longer than `limit` bytes. */
export async function readTextWithin(request: Request, limit: number): Promise<string | undefined> {
  try {
    return Buffer.from(await readBodyWithin(request, limit)).toString('utf8');
  } catch (error) {
    if (error instanceof BodyTooLargeError) return undefined;
    throw error;
  }
}

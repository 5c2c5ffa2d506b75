// A guard against deeply nested JSON, run before JSON.parse on every JSON body the registry parses (manifests,
// API-key requests, cosign signature payloads and trusted roots, GraphQL variables). JSON.parse builds every
// level: four MiB of `[` is two million nested arrays, seconds of CPU and hundreds of MB per request. A real
// manifest nests about 5 levels; 64 is far beyond any document we accept.
//
// The scan is one pass over the bytes with no allocation: it counts `[`/`{` and `]`/`}` outside strings (a `\`
// escapes the next byte inside a string). In UTF-8 these ASCII bytes never occur inside a multi-byte character,
// so scanning bytes is exact. It does not validate the JSON: JSON.parse still does that, after the scan passed.

/** The deepest nesting accepted: objects and arrays inside each other. */
export const MAX_JSON_DEPTH = 64;

export class JsonTooDeepError extends Error {
  readonly code = 'JSON_TOO_DEEP';
  constructor(readonly maxDepth: number) {
    super(`JSON nested deeper than ${maxDepth} levels`);
    this.name = 'JsonTooDeepError';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/** Whether `input` nests objects and arrays deeper than `maxDepth` (stops at the first level too deep). */
export function jsonNestsDeeperThan(input: Uint8Array | string, maxDepth: number = MAX_JSON_DEPTH): boolean {
  const text = typeof input === 'string';
  const length = input.length;
  let depth = 0;
  let inString = false;
  for (let index = 0; index < length; index++) {
    const code = text ? (input as string).charCodeAt(index) : (input as Uint8Array)[index];
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_ARRAY || code === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** JSON.parse after the depth scan: throws JsonTooDeepError (too deep) or SyntaxError (not JSON). */
export function parseJsonWithinDepth(input: Uint8Array | string, maxDepth: number = MAX_JSON_DEPTH): unknown {
  if (jsonNestsDeeperThan(input, maxDepth)) throw new JsonTooDeepError(maxDepth);
  const text =
    typeof input === 'string'
      ? input
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  return JSON.parse(text);
}

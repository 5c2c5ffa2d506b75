// notation's JWS envelope (specs/signature-envelope-jws.md): JWS JSON serialization, flattened, with the
// signed attributes in the protected header and the certificate chain in the unprotected `x5c`.
import {
  checkCritical,
  EnvelopeError,
  EXPIRY,
  NOTATION_PAYLOAD_TYPE,
  type ParsedEnvelope,
  SIGNING_SCHEME,
  SIGNING_TIME,
  type SignatureAlgorithm,
} from './envelope.js';

const JWS_ALGORITHMS = new Set(['PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512']);

function base64url(text: unknown, field: string): Buffer {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text))
    throw new EnvelopeError(`${field} is not base64url`);
  return Buffer.from(text, 'base64url');
}

function time(value: unknown, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const parsed = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(parsed.getTime())) throw new EnvelopeError(`${field} is not an RFC 3339 time`);
  return parsed;
}

export function parseJwsEnvelope(bytes: Uint8Array): ParsedEnvelope {
  let envelope: Record<string, unknown>;
  try {
    envelope = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new EnvelopeError('JWS envelope is not JSON');
  }
  if (typeof envelope !== 'object' || envelope === null)
    throw new EnvelopeError('JWS envelope is not an object');
  const protectedText = envelope.protected;
  const payloadText = envelope.payload;
  let headers: Record<string, unknown>;
  try {
    headers = JSON.parse(base64url(protectedText, 'protected').toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw error instanceof EnvelopeError ? error : new EnvelopeError('protected header is not JSON');
  }
  const algorithm = headers.alg;
  if (typeof algorithm !== 'string' || !JWS_ALGORITHMS.has(algorithm))
    throw new EnvelopeError(`unsupported JWS algorithm ${String(algorithm)}`);
  if (headers.cty !== NOTATION_PAYLOAD_TYPE) throw new EnvelopeError(`cty must be ${NOTATION_PAYLOAD_TYPE}`);
  checkCritical(headers.crit, (name) => headers[name] !== undefined);
  const unprotected = (envelope.header ?? {}) as Record<string, unknown>;
  const chain = unprotected.x5c;
  if (!Array.isArray(chain) || chain.length === 0) throw new EnvelopeError('x5c certificate chain missing');
  const certificates = chain.map((entry, index) => {
    if (typeof entry !== 'string') throw new EnvelopeError(`x5c[${index}] is not a string`);
    return Buffer.from(entry, 'base64'); // RFC 7515: x5c entries are base64, not base64url
  });
  const signingTime = time(headers[SIGNING_TIME], SIGNING_TIME);
  const expiry = time(headers[EXPIRY], EXPIRY);
  return {
    payload: base64url(payloadText, 'payload'),
    certificates,
    signingScheme: String(headers[SIGNING_SCHEME]),
    ...(signingTime === undefined ? {} : { signingTime }),
    ...(expiry === undefined ? {} : { expiry }),
    algorithm: algorithm as SignatureAlgorithm,
    // RFC 7515 section 5.2: the signing input is the encoded protected header, '.', the encoded payload
    signedBytes: Buffer.from(`${protectedText as string}.${payloadText as string}`, 'ascii'),
    signature: base64url(envelope.signature, 'signature'),
  };
}

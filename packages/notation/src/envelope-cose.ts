// notation's COSE envelope (specs/signature-envelope-cose.md): a COSE_Sign1 message (RFC 9052, tag 18):
// [protected (bstr of a map), unprotected map, payload bstr, signature bstr]. Signed attributes live in the
// protected map, the chain under x5chain (label 33) in the unprotected one. Times are tag-1 epoch seconds.
import { CborError, CborTag, type CborValue, decodeCbor, encodeCbor } from './cbor.js';
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

/** COSE algorithm identifiers (IANA COSE Algorithms registry). */
const COSE_ALGORITHMS = new Map<number, SignatureAlgorithm>([
  [-37, 'PS256'],
  [-38, 'PS384'],
  [-39, 'PS512'],
  [-7, 'ES256'],
  [-35, 'ES384'],
  [-36, 'ES512'],
]);
const LABEL_ALG = 1;
const LABEL_CRIT = 2;
const LABEL_CONTENT_TYPE = 3;
const LABEL_X5CHAIN = 33;
const COSE_SIGN1_TAG = 18;

function epochTime(value: CborValue | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const seconds = value instanceof CborTag && value.tag === 1 ? value.value : value;
  if (typeof seconds !== 'number') throw new EnvelopeError(`${field} is not an epoch time`);
  return new Date(seconds * 1000);
}

export function parseCoseEnvelope(bytes: Uint8Array): ParsedEnvelope {
  let decoded: CborValue;
  try {
    decoded = decodeCbor(bytes);
  } catch (error) {
    throw new EnvelopeError(
      `COSE envelope is not CBOR: ${error instanceof CborError ? error.message : 'bad'}`,
    );
  }
  const message = decoded instanceof CborTag && decoded.tag === COSE_SIGN1_TAG ? decoded.value : decoded;
  if (!Array.isArray(message) || message.length !== 4) throw new EnvelopeError('not a COSE_Sign1 message');
  const [protectedBytes, unprotected, payload, signature] = message;
  if (
    !(protectedBytes instanceof Uint8Array) ||
    !(payload instanceof Uint8Array) ||
    !(signature instanceof Uint8Array)
  )
    throw new EnvelopeError('COSE_Sign1 fields have the wrong types');
  if (!(unprotected instanceof Map)) throw new EnvelopeError('COSE unprotected header is not a map');
  let headers: CborValue;
  try {
    headers = decodeCbor(protectedBytes);
  } catch {
    throw new EnvelopeError('COSE protected header is not CBOR');
  }
  if (!(headers instanceof Map)) throw new EnvelopeError('COSE protected header is not a map');
  const algorithm = COSE_ALGORITHMS.get(headers.get(LABEL_ALG) as number);
  if (algorithm === undefined)
    throw new EnvelopeError(`unsupported COSE algorithm ${String(headers.get(LABEL_ALG))}`);
  if (headers.get(LABEL_CONTENT_TYPE) !== NOTATION_PAYLOAD_TYPE)
    throw new EnvelopeError(`content type must be ${NOTATION_PAYLOAD_TYPE}`);
  checkCritical(headers.get(LABEL_CRIT), (name) => headers.has(name));
  const chainValue = unprotected.get(LABEL_X5CHAIN);
  const chain = chainValue instanceof Uint8Array ? [chainValue] : chainValue;
  if (!Array.isArray(chain) || chain.length === 0 || !chain.every((c) => c instanceof Uint8Array))
    throw new EnvelopeError('x5chain certificate chain missing');
  const signingTime = epochTime(headers.get(SIGNING_TIME), SIGNING_TIME);
  const expiry = epochTime(headers.get(EXPIRY), EXPIRY);
  return {
    payload,
    certificates: chain as Uint8Array[],
    signingScheme: String(headers.get(SIGNING_SCHEME)),
    ...(signingTime === undefined ? {} : { signingTime }),
    ...(expiry === undefined ? {} : { expiry }),
    algorithm,
    // RFC 9052 section 4.4: Sig_structure = ["Signature1", protected, external_aad (empty), payload]
    signedBytes: encodeCbor(['Signature1', protectedBytes, new Uint8Array(), payload]),
    signature,
  };
}

// DSSE envelopes carrying in-toto statements: cosign's legacy `.att` layers. The signature is over the
// pre-authentication encoding (PAE, https://github.com/secure-systems-lab/dsse/blob/master/protocol.md),
// and the statement must name the attested manifest among its subjects.
import { isRecord, parseJson, splitDigest } from './digest-util.js';
import { IN_TOTO_PAYLOAD_TYPE } from './media-types.js';
import { decodeBase64, type ParsedPublicKey } from './public-keys.js';
import { invalid, type Verdict } from './results.js';
import { verdictForSignature } from './simple-signing.js';

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes. */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const header = `DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.byteLength} `;
  return Buffer.concat([Buffer.from(header, 'utf8'), payload]);
}

/**
 * Checks that an in-toto statement names `subjectDigest`; returns its predicate type, or the invalid
 * verdict. in-toto: subject[].digest is a map from algorithm to hex.
 */
export function checkStatementNames(
  payloadType: string,
  payload: Uint8Array,
  subjectDigest: string,
): { predicateType?: string } | Verdict {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE)
    return invalid(`DSSE payload type ${payloadType} is not an in-toto statement`);
  const statement = parseJson(payload);
  if (!isRecord(statement) || !Array.isArray(statement.subject))
    return invalid('in-toto statement has no subject');
  const { algorithm, hex } = splitDigest(subjectDigest);
  const names = statement.subject.some(
    (subject) => isRecord(subject) && isRecord(subject.digest) && subject.digest[algorithm] === hex,
  );
  if (!names) return invalid(`in-toto statement does not name ${subjectDigest}`);
  return typeof statement.predicateType === 'string' ? { predicateType: statement.predicateType } : {};
}

function isVerdict(value: object): value is Verdict {
  return 'status' in value;
}

/** Verifies a serialized DSSE envelope (JSON with base64 payload and signatures) against trusted keys. */
export function verifyDsseEnvelope(
  envelopeBytes: Uint8Array,
  subjectDigest: string,
  keys: readonly ParsedPublicKey[],
): Verdict {
  const envelope = parseJson(envelopeBytes);
  if (
    !isRecord(envelope) ||
    typeof envelope.payloadType !== 'string' ||
    typeof envelope.payload !== 'string'
  ) {
    return invalid('layer is not a DSSE envelope');
  }
  const payload = decodeBase64(envelope.payload);
  if (!payload) return invalid('DSSE payload is not base64');
  const statement = checkStatementNames(envelope.payloadType, payload, subjectDigest);
  if (isVerdict(statement)) return statement;
  const signatures = Array.isArray(envelope.signatures) ? envelope.signatures : [];
  const pae = preAuthEncoding(envelope.payloadType, payload);
  let last: Verdict = invalid('DSSE envelope has no signatures');
  for (const entry of signatures) {
    const signature = isRecord(entry) && typeof entry.sig === 'string' ? decodeBase64(entry.sig) : undefined;
    if (!signature) continue;
    last = verdictForSignature(keys, pae, signature, false);
    if (last.status === 'trusted') break;
  }
  return { ...last, ...statement };
}

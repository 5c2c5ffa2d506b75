// cosign's legacy "simple signing" signatures: the signature (a layer annotation, base64) is over the
// payload bytes (the layer blob), and the payload names the signed manifest in
// critical.image.docker-manifest-digest (containers/image "atomic container signature" format).
import { isRecord, parseJson } from './digest-util.js';
import { decodeBase64, type ParsedPublicKey, verifyWithKey } from './public-keys.js';
import { invalid, untrusted, type Verdict } from './results.js';

export interface SimpleSigningPayload {
  dockerManifestDigest: string;
  dockerReference?: string;
  type?: string;
}

/** The fields cosign checks, or a reason why the payload is not a simple-signing payload. */
export function parseSimpleSigningPayload(bytes: Uint8Array): SimpleSigningPayload | { error: string } {
  const json = parseJson(bytes);
  if (!isRecord(json) || !isRecord(json.critical))
    return { error: 'payload is not a simple-signing JSON document' };
  const { critical } = json;
  const image = isRecord(critical.image) ? critical.image : {};
  const digest = image['docker-manifest-digest'];
  if (typeof digest !== 'string') return { error: 'payload has no critical.image.docker-manifest-digest' };
  const identity = isRecord(critical.identity) ? critical.identity : {};
  const payload: SimpleSigningPayload = { dockerManifestDigest: digest };
  if (typeof identity['docker-reference'] === 'string')
    payload.dockerReference = identity['docker-reference'];
  if (typeof critical.type === 'string') payload.type = critical.type;
  return payload;
}

/** Checks that a payload names `subjectDigest`; undefined when it does, else the invalid verdict. */
export function checkPayloadNames(payload: Uint8Array, subjectDigest: string): Verdict | undefined {
  const parsed = parseSimpleSigningPayload(payload);
  if ('error' in parsed) return invalid(parsed.error);
  // cosign verify: "the image digest in the payload must match the image being verified".
  if (parsed.dockerManifestDigest !== subjectDigest) {
    return invalid(`payload signs ${parsed.dockerManifestDigest}, not ${subjectDigest}`);
  }
  return undefined;
}

export interface SimpleSigningInput {
  payload: Uint8Array;
  /** The `dev.cosignproject.cosign/signature` annotation. */
  signatureBase64: string | undefined;
  subjectDigest: string;
  keys: readonly ParsedPublicKey[];
  /** A Fulcio certificate annotation is present (keyless signing). */
  keyless: boolean;
}

export function verifySimpleSigning(input: SimpleSigningInput): Verdict {
  const mismatch = checkPayloadNames(input.payload, input.subjectDigest);
  if (mismatch) return mismatch;
  const signature = decodeBase64(input.signatureBase64 ?? '');
  if (!signature) return invalid('layer has no base64 signature annotation');
  return verdictForSignature(input.keys, input.payload, signature, input.keyless);
}

/** Tries each trusted key over `data`; shared by simple-signing and DSSE (over its PAE). */
export function verdictForSignature(
  keys: readonly ParsedPublicKey[],
  data: Uint8Array,
  signature: Uint8Array,
  keyless: boolean,
): Verdict {
  for (const key of keys) {
    if (verifyWithKey(key, data, signature)) return { status: 'trusted', keyFingerprint: key.fingerprint };
  }
  if (keyless)
    return untrusted(
      'keyless signature: legacy certificates are not verified; add the signer key or use bundles with a trusted root',
    );
  if (keys.length === 0) return untrusted('no trusted keys configured');
  return untrusted('no trusted key verifies the signature');
}

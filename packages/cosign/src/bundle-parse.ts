// Sigstore bundles as pushed by cosign 3 (and any sigstore client): parsed and validated with
// @sigstore/bundle. A malformed bundle is the client's artifact and stays stored; it is only reported.
import { type Bundle, bundleFromJSON } from '@sigstore/bundle';
import { isRecord, parseJson } from './digest-util.js';

export type ParsedBundle = {
  valid: true;
  bundle: Bundle;
  mediaType: string;
  content: 'message-signature' | 'dsse-envelope';
  verificationMaterial: 'public-key' | 'certificate';
};

export type BundleParseResult = ParsedBundle | { valid: false; reason: string };

/** Parses bytes, text or JSON into a validated bundle; never throws. */
export function parseBundle(input: Uint8Array | string | unknown): BundleParseResult {
  const json = typeof input === 'string' || input instanceof Uint8Array ? parseJson(input) : input;
  if (!isRecord(json)) return { valid: false, reason: 'bundle is not a JSON object' };
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (error) {
    // ValidationError lists the missing fields; protobuf decoding errors name the bad value.
    const fields = (error as { fields?: string[] }).fields;
    const detail =
      fields && fields.length > 0
        ? `${(error as Error).message}: ${fields.join(', ')}`
        : (error as Error).message;
    return { valid: false, reason: `malformed bundle: ${detail}` };
  }
  if (!bundle.mediaType.startsWith('application/vnd.dev.sigstore.bundle')) {
    return { valid: false, reason: `unknown bundle media type ${bundle.mediaType || '(none)'}` };
  }
  const material = bundle.verificationMaterial.content;
  return {
    valid: true,
    bundle,
    mediaType: bundle.mediaType,
    content: bundle.content.$case === 'dsseEnvelope' ? 'dsse-envelope' : 'message-signature',
    verificationMaterial: material.$case === 'publicKey' ? 'public-key' : 'certificate',
  };
}

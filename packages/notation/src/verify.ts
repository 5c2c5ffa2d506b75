// One notation signature checked as notation's verifier does under zot's trust policy ("strict", every
// registry scope, trust stores ca:default and signingAuthority:default, any identity):
// integrity (the envelope's signature with the leaf key), authenticity (a chain anchored in the trust
// store), expiry (the signature's own and the certificates'), and that the payload names this manifest.
import { X509Certificate } from 'node:crypto';
import { anchorOf, chainProblem, subjectOf, validityProblem } from './certificates.js';
import {
  COSE_ENVELOPE_TYPE,
  EnvelopeError,
  JWS_ENVELOPE_TYPE,
  type ParsedEnvelope,
  signatureVerifies,
} from './envelope.js';
import { parseCoseEnvelope } from './envelope-cose.js';
import { parseJwsEnvelope } from './envelope-jws.js';

/** notation's signing schemes; `notary.x509.signingAuthority` additionally needs a timestamp authority. */
const SIGNING_SCHEMES = new Set(['notary.x509', 'notary.x509.signingAuthority']);

export interface NotationSubject {
  digest: string;
  mediaType?: string;
  size?: number;
}

export interface NotationVerifyInput {
  envelope: Uint8Array;
  /** The signature layer's media type: application/jose+json or application/cose. */
  envelopeMediaType: string;
  subject: NotationSubject;
  /** Certificates of the trust stores zot's policy names (ca and signingAuthority). */
  trusted: readonly X509Certificate[];
  now?: Date;
}

/** Same vocabulary as cosign's results: trusted, untrusted (no trust vouches), invalid (broken or not about this). */
export interface NotationVerdict {
  status: 'trusted' | 'untrusted' | 'invalid';
  /** The leaf certificate's subject, as zot reports the author. */
  signer?: string;
  /** When trust ends: the signature's expiry or the leaf's notAfter, whichever is first. */
  expiresAt?: string;
  reason?: string;
}

function parse(input: NotationVerifyInput): ParsedEnvelope {
  if (input.envelopeMediaType === JWS_ENVELOPE_TYPE) return parseJwsEnvelope(input.envelope);
  if (input.envelopeMediaType === COSE_ENVELOPE_TYPE) return parseCoseEnvelope(input.envelope);
  throw new EnvelopeError(`unsupported signature envelope ${input.envelopeMediaType}`);
}

function targetProblem(payload: Uint8Array, subject: NotationSubject): string | undefined {
  let target: Record<string, unknown> | undefined;
  try {
    const parsed = JSON.parse(Buffer.from(payload).toString('utf8')) as { targetArtifact?: unknown };
    if (typeof parsed.targetArtifact === 'object' && parsed.targetArtifact !== null)
      target = parsed.targetArtifact as Record<string, unknown>;
  } catch {
    return 'payload is not JSON';
  }
  if (target === undefined) return 'payload has no targetArtifact';
  if (target.digest !== subject.digest)
    return `signature is for ${String(target.digest)}, not ${subject.digest}`;
  if (subject.size !== undefined && target.size !== subject.size)
    return `signature is for a manifest of ${String(target.size)} bytes, not ${subject.size}`;
  if (subject.mediaType !== undefined && target.mediaType !== subject.mediaType)
    return `signature is for a ${String(target.mediaType)}, not a ${subject.mediaType}`;
  return undefined;
}

export function verifyNotationSignature(input: NotationVerifyInput): NotationVerdict {
  const now = input.now ?? new Date();
  let envelope: ParsedEnvelope;
  let chain: X509Certificate[];
  try {
    envelope = parse(input);
    chain = envelope.certificates.map((der) => new X509Certificate(der));
  } catch (error) {
    return { status: 'invalid', reason: `malformed envelope: ${(error as Error).message}` };
  }
  const leaf = chain[0] as X509Certificate;
  const signer = subjectOf(leaf);
  const leafEnd = new Date(leaf.validTo);
  const end = envelope.expiry !== undefined && envelope.expiry < leafEnd ? envelope.expiry : leafEnd;
  const base = { signer, expiresAt: end.toISOString() };
  const invalid = (reason: string): NotationVerdict => ({ status: 'invalid', ...base, reason });
  const untrusted = (reason: string): NotationVerdict => ({ status: 'untrusted', ...base, reason });

  if (!SIGNING_SCHEMES.has(envelope.signingScheme))
    return invalid(`unknown signing scheme ${envelope.signingScheme}`);
  // integrity first: a tampered payload or header fails here, whatever the trust store holds
  if (!signatureVerifies(envelope, leaf))
    return invalid('signature does not verify with the signing certificate');
  const target = targetProblem(envelope.payload, input.subject);
  if (target !== undefined) return invalid(target);
  const broken = chainProblem(chain);
  if (broken !== undefined) return invalid(broken);
  if (anchorOf(chain, input.trusted) === undefined)
    return untrusted('certificate chain is not anchored in the notation trust store');
  if (envelope.signingScheme === 'notary.x509.signingAuthority')
    return untrusted('signingAuthority signatures need a timestamp authority, which is not configured');
  if (envelope.expiry !== undefined && envelope.expiry < now)
    return untrusted(`signature expired at ${envelope.expiry.toISOString()}`);
  // strict level without a timestamp: every certificate must be valid now
  for (const certificate of chain) {
    const problem = validityProblem(certificate, now);
    if (problem !== undefined) return untrusted(problem);
  }
  return { status: 'trusted', ...base };
}

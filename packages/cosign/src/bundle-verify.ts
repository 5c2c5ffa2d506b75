// Verification of one sigstore bundle against what it must be about (the subject manifest) and who must
// have made it (a trusted key, or a configured trusted root for keyless bundles). Offline throughout.
import type { Bundle } from '@sigstore/bundle';
import { type SignedEntity, toSignedEntity, Verifier } from '@sigstore/verify';
import { type ParsedBundle, parseBundle } from './bundle-parse.js';
import { bytesMatchDigest } from './digest-util.js';
import { checkStatementNames } from './dsse.js';
import { type KeylessTrust, verifyKeyless } from './keyless-verify.js';
import type { ParsedPublicKey } from './public-keys.js';
import { invalid, untrusted, type Verdict } from './results.js';
import { checkPayloadNames } from './simple-signing.js';
import { keyTrustMaterial } from './trusted-root.js';

export interface BundleCheckInput {
  bundleBytes: Uint8Array;
  subjectDigest: string;
  keys: readonly ParsedPublicKey[];
  /** The configured trusted root and accepted identities, for keyless (certificate) bundles. */
  keyless?: KeylessTrust;
  /**
   * Bytes whose digest is `digest`, for message signatures: the subject manifest itself, or a payload
   * attached beside the bundle. Undefined when there is no such artifact.
   */
  loadArtifact(digest: string): Promise<Uint8Array | undefined>;
}

/** Checks a bundle end to end; never throws (malformed input is an invalid verdict). */
export async function verifyBundle(input: BundleCheckInput): Promise<Verdict> {
  const parsed = parseBundle(input.bundleBytes);
  if (!parsed.valid) return invalid(parsed.reason);
  try {
    const linked = await linkToSubject(parsed, input);
    if ('status' in linked) return linked;
    const signer = verifySigner(parsed, linked.artifact, input);
    return linked.predicateType === undefined ? signer : { ...signer, predicateType: linked.predicateType };
  } catch (error) {
    // toSignedEntity parses certificates and timestamps: junk there is a malformed bundle.
    return invalid(`malformed bundle: ${(error as Error).message}`);
  }
}

interface Linked {
  artifact?: Buffer;
  predicateType?: string;
}

/** Establishes that the bundle is about the subject manifest, before any signature is checked. */
async function linkToSubject(parsed: ParsedBundle, input: BundleCheckInput): Promise<Linked | Verdict> {
  const content = parsed.bundle.content;
  if (content.$case === 'dsseEnvelope') {
    const { payloadType, payload } = content.dsseEnvelope;
    return checkStatementNames(payloadType, payload, input.subjectDigest);
  }
  const { messageDigest } = content.messageSignature;
  // protobuf HashAlgorithm SHA2_256 = 1; OCI digests are sha256 here.
  if (messageDigest.algorithm !== 1) return invalid('message digest is not SHA-256');
  const artifactDigest = `sha256:${Buffer.from(messageDigest.digest).toString('hex')}`;
  const artifact = await input.loadArtifact(artifactDigest);
  if (!artifact || !bytesMatchDigest(artifact, artifactDigest)) {
    return invalid(
      `message signature is over ${artifactDigest}, which is neither the manifest nor an attached payload`,
    );
  }
  // Signed bytes are the manifest itself, or a simple-signing payload that must name the manifest.
  if (artifactDigest !== input.subjectDigest) {
    const mismatch = checkPayloadNames(artifact, input.subjectDigest);
    if (mismatch) return mismatch;
  }
  return { artifact: Buffer.from(artifact) };
}

function verifySigner(parsed: ParsedBundle, artifact: Buffer | undefined, input: BundleCheckInput): Verdict {
  const entity = toSignedEntity(parsed.bundle as Bundle, artifact);
  if (parsed.verificationMaterial === 'certificate')
    return verifyKeyless(parsed.bundle as Bundle, entity, input.keyless);
  // A key-signed bundle may carry Rekor entries; offline we cannot check them (no log keys), and the
  // trusted key is what vouches, so they are set aside, as with `cosign verify --insecure-ignore-tlog`.
  const keyOnly: SignedEntity = { ...entity, tlogEntries: [], timestamps: [] };
  for (const key of input.keys) {
    const verifier = new Verifier(keyTrustMaterial(key.key), {
      tlogThreshold: 0,
      ctlogThreshold: 0,
      timestampThreshold: 0,
    });
    try {
      verifier.verify(keyOnly);
      return { status: 'trusted', keyFingerprint: key.fingerprint };
    } catch {
      // Not this key; try the next.
    }
  }
  return untrusted(
    input.keys.length === 0 ? 'no trusted keys configured' : 'no trusted key verifies the signature',
  );
}

// Signatures made the way cosign makes them, with node:crypto and @sigstore/bundle's builders:
// the legacy `.sig` image (cosign 1/2), the OCI 1.1 simple-signing referrer (cosign 2 oci-1-1 mode),
// the legacy `.att` DSSE image, and v0.3 bundles pushed as referrers (cosign 3).

import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { bundleToJSON, toDSSEBundle, toMessageSignatureBundle } from '@sigstore/bundle';
import {
  COSIGN_ARTIFACT_SIG_TYPE,
  COSIGN_SIGN_PREDICATE,
  COSIGN_SIGNATURE_ANNOTATION,
  DSSE_ENVELOPE_MEDIA_TYPE,
  IN_TOTO_PAYLOAD_TYPE,
  OCI_EMPTY_MEDIA_TYPE,
  type OciDescriptor,
  SIGSTORE_BUNDLE_V03_TYPE,
  SIMPLE_SIGNING_MEDIA_TYPE,
  signatureTagFor,
} from '../src/index.js';
import { type MemorySource, OCI_MANIFEST } from './memory-source.js';

export interface KeyPair {
  privateKey: KeyObject;
  publicKeyPem: string;
}

/** `cosign generate-key-pair` makes an ECDSA P-256 pair. */
export function p256KeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export function simpleSigningPayload(reference: string, digest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': reference },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
}

export function signBytes(key: KeyPair, data: Uint8Array): Buffer {
  return sign(key.privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256', data, key.privateKey);
}

function emptyConfig(source: MemorySource, repository: string): OciDescriptor {
  return source.pushBlob(repository, '{}', OCI_EMPTY_MEDIA_TYPE);
}

/** `cosign sign --key` (cosign 2): a `sha256-<hex>.sig` image whose layer is the signed payload. */
export function pushLegacySignature(
  source: MemorySource,
  repository: string,
  image: OciDescriptor,
  key: KeyPair,
  options: { payload?: Buffer } = {},
) {
  const signedPayload = simpleSigningPayload(`registry.test/${repository}`, image.digest);
  const signature = signBytes(key, signedPayload).toString('base64');
  const layer = source.pushBlob(repository, options.payload ?? signedPayload, SIMPLE_SIGNING_MEDIA_TYPE, {
    [COSIGN_SIGNATURE_ANNOTATION]: signature,
  });
  const config = source.pushBlob(
    repository,
    JSON.stringify({ architecture: '', os: '' }),
    'application/vnd.oci.image.config.v1+json',
  );
  return source.pushManifest(
    repository,
    { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] },
    signatureTagFor(image.digest),
  );
}

/** cosign 2 `--registry-referrers-mode=oci-1-1`: the same layer, in a referrer of the image. */
export function pushReferrerSignature(
  source: MemorySource,
  repository: string,
  image: OciDescriptor,
  key: KeyPair,
) {
  const payload = simpleSigningPayload(`registry.test/${repository}`, image.digest);
  const layer = source.pushBlob(repository, payload, SIMPLE_SIGNING_MEDIA_TYPE, {
    [COSIGN_SIGNATURE_ANNOTATION]: signBytes(key, payload).toString('base64'),
  });
  return source.pushManifest(repository, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: COSIGN_ARTIFACT_SIG_TYPE,
    config: emptyConfig(source, repository),
    layers: [layer],
    subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
  });
}

export function inTotoStatement(digest: string, predicateType = COSIGN_SIGN_PREDICATE): Buffer {
  const [algorithm, hex] = digest.split(':');
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'registry.test/app', digest: { [algorithm ?? '']: hex } }],
      predicateType,
      predicate: {},
    }),
  );
}

export function pae(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.byteLength} `),
    payload,
  ]);
}

/** `cosign attest --key` (cosign 2): a `.att` image whose layer is a DSSE envelope. */
export function pushLegacyAttestation(
  source: MemorySource,
  repository: string,
  image: OciDescriptor,
  key: KeyPair,
) {
  const statement = inTotoStatement(image.digest, 'https://slsa.dev/provenance/v1');
  const envelope = {
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    payload: statement.toString('base64'),
    signatures: [{ keyid: '', sig: signBytes(key, pae(IN_TOTO_PAYLOAD_TYPE, statement)).toString('base64') }],
  };
  const layer = source.pushBlob(repository, JSON.stringify(envelope), DSSE_ENVELOPE_MEDIA_TYPE, {
    [COSIGN_SIGNATURE_ANNOTATION]: '',
  });
  const config = source.pushBlob(
    repository,
    '{"architecture":"","os":""}',
    'application/vnd.oci.image.config.v1+json',
  );
  return source.pushManifest(
    repository,
    { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] },
    signatureTagFor(image.digest, 'att'),
  );
}

/** A v0.3 bundle whose message signature is over `artifact` (the manifest, or a simple-signing payload). */
export function messageSignatureBundle(key: KeyPair, artifact: Buffer): object {
  const digest = createHash('sha256').update(artifact).digest();
  return bundleToJSON(
    toMessageSignatureBundle({ digest, signature: signBytes(key, artifact), keyHint: 'test-key' }),
  ) as object;
}

/** A v0.3 bundle with a DSSE envelope over an in-toto statement naming `digest` (what cosign 3 signs). */
export function dsseBundle(key: KeyPair, statement: Buffer): object {
  const signature = signBytes(key, pae(IN_TOTO_PAYLOAD_TYPE, statement));
  return bundleToJSON(
    toDSSEBundle({ artifact: statement, artifactType: IN_TOTO_PAYLOAD_TYPE, signature, keyHint: 'test-key' }),
  ) as object;
}

/** cosign 3: the bundle JSON as the single layer of a referrer with the bundle artifact type. */
export function pushBundleReferrer(
  source: MemorySource,
  repository: string,
  image: OciDescriptor,
  bundle: object | string,
  extraLayers: OciDescriptor[] = [],
) {
  const layer = source.pushBlob(
    repository,
    typeof bundle === 'string' ? bundle : JSON.stringify(bundle),
    SIGSTORE_BUNDLE_V03_TYPE,
  );
  return source.pushManifest(repository, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: SIGSTORE_BUNDLE_V03_TYPE,
    config: emptyConfig(source, repository),
    layers: [layer, ...extraLayers],
    subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
    annotations: {
      'dev.sigstore.bundle.content': 'dsse-envelope',
      'dev.sigstore.bundle.predicateType': COSIGN_SIGN_PREDICATE,
    },
  });
}

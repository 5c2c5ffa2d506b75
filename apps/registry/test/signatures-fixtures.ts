// Signatures made the way cosign makes them, with node:crypto only (written from cosign and the sigstore
// bundle spec, not from @zot-ts/cosign), and pushed over plain HTTP like a client would:
// - cosign 2 `sign --key`: a `sha256-<hex>.sig` image whose layer is the simple-signing payload, the
//   base64 ECDSA signature in the `dev.cosignproject.cosign/signature` annotation;
// - cosign 3: a v0.3 sigstore bundle as the layer of an OCI 1.1 referrer with that artifactType, with a
//   message signature, or with a DSSE envelope over an in-toto statement naming the image.
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { sha256 } from './helpers.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const IN_TOTO = 'application/vnd.in-toto+json';
const EMPTY_JSON = 'application/vnd.oci.empty.v1+json';

export interface Pushed {
  digest: string;
  size: number;
  mediaType: string;
  content: Buffer;
}

export interface KeyPair {
  privateKey: KeyObject;
  publicKeyPem: string;
}

/** `cosign generate-key-pair`: ECDSA P-256. */
export function p256KeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

const ecdsaSha256 = (key: KeyPair, data: Uint8Array): string =>
  sign('sha256', data, key.privateKey).toString('base64');

/** A registry client bound to one base URL and optional credentials. */
export function ociClient(base: string, headers: Record<string, string> = {}) {
  async function pushBlob(repository: string, content: Buffer | string): Promise<string> {
    const bytes = Buffer.from(content);
    const started = await fetch(`${base}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers });
    if (started.status !== 202) throw new Error(`upload start: ${started.status}`);
    const location = started.headers.get('location') ?? '';
    const target = new URL(location, base);
    target.searchParams.set('digest', sha256(bytes));
    const put = await fetch(target, {
      method: 'PUT',
      body: bytes,
      headers: { ...headers, 'Content-Type': 'application/octet-stream' },
    });
    if (put.status !== 201) throw new Error(`upload finish: ${put.status} ${await put.text()}`);
    return sha256(bytes);
  }

  async function pushManifest(repository: string, manifest: object, tag?: string): Promise<Pushed> {
    const content = Buffer.from(JSON.stringify(manifest));
    const digest = sha256(content);
    const response = await fetch(`${base}/v2/${repository}/manifests/${tag ?? digest}`, {
      method: 'PUT',
      body: content,
      headers: { ...headers, 'Content-Type': OCI_MANIFEST },
    });
    if (response.status !== 201) throw new Error(`manifest put: ${response.status} ${await response.text()}`);
    return { digest, size: content.byteLength, mediaType: OCI_MANIFEST, content };
  }

  async function descriptor(repository: string, content: Buffer | string, mediaType: string, extra = {}) {
    const bytes = Buffer.from(content);
    return { mediaType, digest: await pushBlob(repository, bytes), size: bytes.byteLength, ...extra };
  }

  return { pushBlob, pushManifest, descriptor };
}

export type OciClient = ReturnType<typeof ociClient>;

/** A small image (config + one random layer) under `tag`. */
export async function pushImage(client: OciClient, repository: string, tag: string): Promise<Pushed> {
  const config = await client.descriptor(
    repository,
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
    'application/vnd.oci.image.config.v1+json',
  );
  const layer = await client.descriptor(
    repository,
    createHash('sha256').update(`${repository}:${tag}:${Math.random()}`).digest(),
    'application/vnd.oci.image.layer.v1.tar',
  );
  return client.pushManifest(
    repository,
    { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] },
    tag,
  );
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

/** cosign 2 `sign --key`: `sha256-<hex>.sig`. `layerPayload` replaces the signed payload (tampering). */
export async function pushLegacySignature(
  client: OciClient,
  repository: string,
  image: Pushed,
  key: KeyPair,
  layerPayload?: Buffer,
): Promise<Pushed> {
  const payload = simpleSigningPayload(`localhost/${repository}`, image.digest);
  const layer = await client.descriptor(repository, layerPayload ?? payload, SIMPLE_SIGNING, {
    annotations: { 'dev.cosignproject.cosign/signature': ecdsaSha256(key, payload) },
  });
  const config = await client.descriptor(
    repository,
    JSON.stringify({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: [] } }),
    'application/vnd.oci.image.config.v1+json',
  );
  const tag = `${image.digest.replace(':', '-')}.sig`;
  return client.pushManifest(
    repository,
    { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] },
    tag,
  );
}

/** A v0.3 bundle whose message signature is over `artifact` (here: the image manifest's bytes). */
export function messageSignatureBundle(key: KeyPair, artifact: Buffer): object {
  return {
    mediaType: BUNDLE_V03,
    verificationMaterial: { publicKey: { hint: 'cosign.pub' }, tlogEntries: [] },
    messageSignature: {
      messageDigest: {
        algorithm: 'SHA2_256',
        digest: createHash('sha256').update(artifact).digest('base64'),
      },
      signature: ecdsaSha256(key, artifact),
    },
  };
}

/** DSSE pre-authentication encoding (DSSE spec, protocol.md). */
function pae(payloadType: string, payload: Buffer): Buffer {
  const header = `DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.byteLength} `;
  return Buffer.concat([Buffer.from(header), payload]);
}

/** What cosign 3 `sign` signs: an in-toto statement whose subject is the image. */
export function inTotoStatement(repository: string, digest: string): Buffer {
  const [algorithm = 'sha256', hex = ''] = digest.split(':');
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: `localhost/${repository}`, digest: { [algorithm]: hex } }],
      predicateType: 'https://sigstore.dev/cosign/sign/v1',
      predicate: {},
    }),
  );
}

export function dsseBundle(key: KeyPair, statement: Buffer): object {
  return {
    mediaType: BUNDLE_V03,
    verificationMaterial: { publicKey: { hint: 'cosign.pub' }, tlogEntries: [] },
    dsseEnvelope: {
      payload: statement.toString('base64'),
      payloadType: IN_TOTO,
      signatures: [{ sig: ecdsaSha256(key, pae(IN_TOTO, statement)), keyid: '' }],
    },
  };
}

/** cosign 3: the bundle JSON as the one layer of a referrer of `image`. */
export async function pushBundleReferrer(
  client: OciClient,
  repository: string,
  image: Pushed,
  bundle: object,
): Promise<Pushed> {
  const layer = await client.descriptor(repository, JSON.stringify(bundle), BUNDLE_V03);
  const config = await client.descriptor(repository, '{}', EMPTY_JSON);
  return client.pushManifest(repository, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: BUNDLE_V03,
    config,
    layers: [layer],
    subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
    // cosign 3 says which of the two a bundle holds
    annotations: {
      'dev.sigstore.bundle.content': 'dsseEnvelope' in bundle ? 'dsse-envelope' : 'message-signature',
    },
  });
}

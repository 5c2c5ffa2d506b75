// Signs test images the way `cosign sign --key` (cosign 2) does, with node:crypto only, and uploads the
// public key as an administrator would (docs/signing.md):
// - the payload is cosign's simple-signing JSON naming the image digest;
// - the layer holds that payload, its base64 ECDSA-SHA256 signature in `dev.cosignproject.cosign/signature`;
// - mode 'tag' stores it as the `sha256-<hex>.sig` image (cosign's default), mode 'referrer' as an OCI 1.1
//   referrer with artifactType `application/vnd.dev.cosign.artifact.sig.v1+json`
//   (`--registry-referrers-mode=oci-1-1`).

import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { type Headers, pushBlob, pushManifest } from './push-image.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const COSIGN_ARTIFACT_SIG = 'application/vnd.dev.cosign.artifact.sig.v1+json';

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
}

/** `cosign generate-key-pair`: ECDSA P-256. */
export function cosignKeyPair(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export async function signImage(
  url: string,
  repository: string,
  image: { digest: string; size: number; mediaType: string },
  key: SigningKey,
  options: { mode: 'tag' | 'referrer'; headers?: Headers },
): Promise<{ digest: string }> {
  const headers = options.headers ?? {};
  const payload = Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': `${new URL(url).host}/${repository}` },
        image: { 'docker-manifest-digest': image.digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
  const signature = sign('sha256', payload, key.privateKey).toString('base64');
  const layer = {
    mediaType: SIMPLE_SIGNING,
    ...(await pushBlob(url, repository, payload, headers)),
    annotations: { 'dev.cosignproject.cosign/signature': signature },
  };
  if (options.mode === 'tag') {
    const config = await pushBlob(
      url,
      repository,
      Buffer.from(
        JSON.stringify({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: [] } }),
      ),
      headers,
    );
    const document = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [layer],
    };
    return pushManifest(url, repository, `${image.digest.replace(':', '-')}.sig`, document, headers);
  }
  const empty = await pushBlob(url, repository, Buffer.from('{}'), headers);
  const document = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: COSIGN_ARTIFACT_SIG,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', ...empty },
    layers: [layer],
    subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
  };
  const digest = `sha256:${createHash('sha256').update(JSON.stringify(document)).digest('hex')}`;
  return pushManifest(url, repository, digest, document, headers);
}

/** POST /v2/_zot/ext/cosign with the PEM public key (administrators only when auth is on); its fingerprint. */
export async function uploadCosignKey(url: string, key: SigningKey, headers: Headers = {}): Promise<string> {
  const response = await fetch(`${url}/v2/_zot/ext/cosign`, {
    method: 'POST',
    body: key.publicKeyPem,
    headers,
  });
  if (response.status !== 200) throw new Error(`key upload: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { fingerprint: string }).fingerprint;
}

// Fixtures for the conformance-style suites: an image (config + layer + manifest) and raw-HTTP push helpers,
// written from distribution-spec spec.md, not from our code.
import { sha256 } from './helpers.js';

export const ociManifestType = 'application/vnd.oci.image.manifest.v1+json';
export const ociIndexType = 'application/vnd.oci.image.index.v1+json';
export const emptyJson = '{}';

export interface Image {
  config: string;
  layer: Buffer;
  manifest: string;
  digest: string;
}

export function makeImage(seed: string, extra: Record<string, unknown> = {}): Image {
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', seed });
  const layer = Buffer.from(`layer of ${seed} `.repeat(64));
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: ociManifestType,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: sha256(config),
      size: Buffer.byteLength(config),
    },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length },
    ],
    ...extra,
  });
  return { config, layer, manifest, digest: sha256(manifest) };
}

/** An artifact manifest referring to `subject` (spec: "Pushing Manifests with Subject"). */
export function makeReferrer(seed: string, subject: Image, artifactType: string): Image {
  return makeImage(seed, {
    artifactType,
    subject: {
      mediaType: ociManifestType,
      digest: subject.digest,
      size: Buffer.byteLength(subject.manifest),
    },
    annotations: { 'org.example.seed': seed },
  });
}

export function client(base: string) {
  const url = (path: string) => (path.startsWith('http') ? path : `${base}${path}`);
  return {
    request: (path: string, init: RequestInit = {}) => fetch(url(path), init),
    /** POST then PUT (spec: "Monolithic upload", two requests). */
    async pushBlob(name: string, content: string | Buffer): Promise<Response> {
      const started = await fetch(url(`/v2/${name}/blobs/uploads/`), { method: 'POST' });
      const location = started.headers.get('location') ?? '';
      const separator = location.includes('?') ? '&' : '?';
      return fetch(url(`${location}${separator}digest=${sha256(content)}`), {
        method: 'PUT',
        body: content,
        headers: {
          'Content-Type': 'application/octet-stream',
          'Content-Length': String(Buffer.byteLength(content)),
        },
      });
    },
    async pushImage(name: string, image: Image, reference: string): Promise<Response> {
      await this.pushBlob(name, image.config);
      await this.pushBlob(name, image.layer);
      return fetch(url(`/v2/${name}/manifests/${reference}`), {
        method: 'PUT',
        body: image.manifest,
        headers: { 'Content-Type': ociManifestType },
      });
    },
  };
}

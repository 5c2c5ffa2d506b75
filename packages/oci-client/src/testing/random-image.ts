// Pushes an image of random layers through the client: a quick way to fill an upstream in tests and benches.
import { createHash, randomBytes } from 'node:crypto';
import type { RegistryClient } from '../client.js';

export interface PushedImage {
  repository: string;
  tag: string;
  digest: string;
  manifest: Buffer;
  mediaType: string;
  layers: Array<{ digest: string; size: number }>;
}

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export async function pushRandomImage(
  client: RegistryClient,
  repository: string,
  tag: string,
  options: { layers?: number; layerSize?: number; docker?: boolean; chunkSize?: number } = {},
): Promise<PushedImage> {
  const docker = options.docker === true;
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [] },
      created: new Date(0).toISOString(),
      nonce: randomBytes(8).toString('hex'),
    }),
  );
  const configDigest = sha256(config);
  await client.pushBlob(repository, { digest: configDigest, size: config.length, open: () => config });
  const layers: PushedImage['layers'] = [];
  for (let index = 0; index < (options.layers ?? 1); index++) {
    const bytes = randomBytes(options.layerSize ?? 1024);
    const digest = sha256(bytes);
    await client.pushBlob(
      repository,
      { digest, size: bytes.length, open: () => bytes },
      options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize },
    );
    layers.push({ digest, size: bytes.length });
  }
  const mediaType = docker
    ? 'application/vnd.docker.distribution.manifest.v2+json'
    : 'application/vnd.oci.image.manifest.v1+json';
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: {
        mediaType: docker
          ? 'application/vnd.docker.container.image.v1+json'
          : 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: config.length,
      },
      layers: layers.map((layer) => ({
        mediaType: docker
          ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
          : 'application/vnd.oci.image.layer.v1.tar+gzip',
        ...layer,
      })),
    }),
  );
  const digest = await client.putManifest(repository, tag, mediaType, manifest);
  return { repository, tag, digest, manifest, mediaType, layers };
}

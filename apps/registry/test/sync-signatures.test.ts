// extensions.sync and signatures, end to end through real servers started once: a second zot-ts as the
// upstream, a mirror pulling on demand with four rules over it. Proves that a legacy cosign `sha256-<hex>.sig`
// tag and an OCI referrer follow their image (periodic and on demand), that `onlySigned` refuses unsigned images, and that Docker
// manifests are converted to OCI by default (the .sig tag renamed after the new digest) and kept byte for
// byte with `preserveDigest`.
import { createHash } from 'node:crypto';
import { createRegistryClient, type RegistryClient } from '@zot-ts/oci-client';
import { type PushedImage, pushRandomImage } from '@zot-ts/oci-client/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRegistry, type TestRegistry, until } from './helpers.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const sigTag = (digest: string) => `${digest.replace(':', '-')}.sig`;

let upstream: TestRegistry;
let mirror: TestRegistry;
let client: RegistryClient;
let periodicSigned: PushedImage;
let periodicSignature: Buffer;
let periodicReferrer: string;

async function pushBlob(repository: string, bytes: Buffer) {
  const digest = sha256(bytes);
  await client.pushBlob(repository, { digest, size: bytes.length, open: () => bytes });
  return { digest, size: bytes.length };
}

/** A cosign-style signature under the legacy tag: one simple-signing layer, a made-up signature annotation. */
async function pushCosignSignature(repository: string, image: PushedImage): Promise<Buffer> {
  const payload = Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': `upstream/${repository}` },
        image: { 'docker-manifest-digest': image.digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
  const layer = await pushBlob(repository, payload);
  const config = await pushBlob(
    repository,
    Buffer.from(
      JSON.stringify({
        architecture: '',
        os: '',
        config: {},
        rootfs: { type: 'layers', diff_ids: [layer.digest] },
      }),
    ),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [
        {
          mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
          ...layer,
          annotations: { 'dev.cosignproject.cosign/signature': 'MEUCIQDmadeupsignature==' },
        },
      ],
    }),
  );
  await client.putManifest(repository, sigTag(image.digest), OCI_MANIFEST, manifest);
  return manifest;
}

/** An SBOM-like artifact whose subject is the image: not a signature, but a referrer to bring along. */
async function pushReferrer(repository: string, image: PushedImage): Promise<string> {
  const empty = await pushBlob(repository, Buffer.from('{}'));
  const sbom = await pushBlob(repository, Buffer.from('{"spdxVersion":"SPDX-2.3"}'));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/spdx+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', ...empty },
      layers: [{ mediaType: 'application/spdx+json', ...sbom }],
      subject: { mediaType: image.mediaType, digest: image.digest, size: image.manifest.length },
    }),
  );
  return client.putManifest(repository, sha256(manifest), OCI_MANIFEST, manifest);
}

beforeAll(async () => {
  upstream = await startTestRegistry();
  client = createRegistryClient({ url: upstream.url });
  // the periodic rule's content, there before the mirror's first pass
  periodicSigned = await pushRandomImage(client, 'periodic/yes', 'v1');
  periodicSignature = await pushCosignSignature('periodic/yes', periodicSigned);
  periodicReferrer = await pushReferrer('periodic/yes', periodicSigned);
  await pushRandomImage(client, 'periodic/no', 'v1');
  const entry = (content: object[], extra: object = {}) => ({
    urls: [upstream.url],
    onDemand: true,
    tlsVerify: false,
    maxRetries: 1,
    retryDelay: '10ms',
    content,
    ...extra,
  });
  mirror = await startTestRegistry({
    extensions: {
      metrics: { enable: true },
      sync: {
        registries: [
          entry([{ prefix: 'periodic/**' }], { onDemand: false, pollInterval: '1h', onlySigned: true }),
          entry([{ prefix: 'sig/**' }]),
          entry([{ prefix: 'signed/**' }], { onlySigned: true }),
          // one Docker image upstream, seen under two local names: converted, and kept as it is
          entry([{ prefix: 'docker/**', destination: '/conv', stripPrefix: true }]),
          entry([{ prefix: 'docker/**', destination: '/keep', stripPrefix: true }], { preserveDigest: true }),
        ],
      },
    },
  });
}, 30_000);
afterAll(async () => {
  client?.close();
  await mirror?.dispose();
  await upstream?.dispose();
});

const manifestOf = (repository: string, reference: string) =>
  fetch(`${mirror.url}/v2/${repository}/manifests/${reference}`, {
    headers: { accept: `${OCI_MANIFEST}, ${DOCKER_MANIFEST}` },
  });

describe('periodic sync with onlySigned', () => {
  it('copies the signed image with its .sig tag and referrer, and skips the unsigned one', async () => {
    // the first pass has handled both images: one synced, one refused (no on-demand test has run yet)
    await until(async () => {
      const metrics = await (await fetch(`${mirror.url}/metrics`)).text();
      return /outcome="synced"\} 1\b/.test(metrics) && /outcome="notSigned"\} 1\b/.test(metrics)
        ? true
        : undefined;
    }, 10_000);
    const tags = (await (await fetch(`${mirror.url}/v2/periodic/yes/tags/list`)).json()) as {
      tags: string[];
    };
    expect(tags.tags.sort()).toEqual([sigTag(periodicSigned.digest), 'v1'].sort());
    const sig = await manifestOf('periodic/yes', sigTag(periodicSigned.digest));
    expect(Buffer.from(await sig.arrayBuffer()).equals(periodicSignature)).toBe(true);
    const listed = (await (
      await fetch(`${mirror.url}/v2/periodic/yes/referrers/${periodicSigned.digest}`)
    ).json()) as { manifests: Array<{ digest: string }> };
    expect(listed.manifests.map((m) => m.digest)).toEqual([periodicReferrer]);
    // not on demand here: the 404s are the periodic pass's refusal
    expect((await manifestOf('periodic/no', 'v1')).status).toBe(404);
    expect((await fetch(`${mirror.url}/v2/periodic/no/tags/list`)).status).toBe(404);
  }, 15_000);
});

describe('signatures follow their image on demand', () => {
  it('brings the cosign .sig tag and the referrers along with an image pulled on demand', async () => {
    const image = await pushRandomImage(client, 'sig/app', 'v1');
    const signature = await pushCosignSignature('sig/app', image);
    const referrer = await pushReferrer('sig/app', image);

    const pulled = await manifestOf('sig/app', 'v1');
    expect(pulled.status).toBe(200);
    expect(pulled.headers.get('docker-content-digest')).toBe(image.digest);
    // both came with the image: the mirror's store has them before anyone asks for them
    const tags = (await (await fetch(`${mirror.url}/v2/sig/app/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags.sort()).toEqual([sigTag(image.digest), 'v1'].sort());
    const sig = await manifestOf('sig/app', sigTag(image.digest));
    expect(sig.status).toBe(200);
    expect(Buffer.from(await sig.arrayBuffer()).equals(signature)).toBe(true);
    const listed = (await (await fetch(`${mirror.url}/v2/sig/app/referrers/${image.digest}`)).json()) as {
      manifests: Array<{ digest: string; artifactType?: string }>;
    };
    expect(listed.manifests).toEqual([
      expect.objectContaining({ digest: referrer, artifactType: 'application/spdx+json' }),
    ]);
    const payloadDigest = (JSON.parse(signature.toString()) as { layers: Array<{ digest: string }> })
      .layers[0]?.digest;
    expect((await fetch(`${mirror.url}/v2/sig/app/blobs/${payloadDigest}`)).status).toBe(200);
  }, 15_000);
});

describe('onlySigned', () => {
  it('refuses an unsigned image and syncs a signed one', async () => {
    await pushRandomImage(client, 'signed/no', 'v1');
    const signed = await pushRandomImage(client, 'signed/yes', 'v1');
    await pushCosignSignature('signed/yes', signed);
    // only the upstream's SBOM-like referrer: not a signature, so still unsigned
    const unsignedWithReferrer = await pushRandomImage(client, 'signed/sbom', 'v1');
    await pushReferrer('signed/sbom', unsignedWithReferrer);

    expect((await manifestOf('signed/no', 'v1')).status).toBe(404);
    expect((await manifestOf('signed/sbom', 'v1')).status).toBe(404);
    expect((await fetch(`${mirror.url}/v2/signed/no/tags/list`)).status).toBe(404);
    const pulled = await manifestOf('signed/yes', 'v1');
    expect(pulled.status).toBe(200);
    expect(pulled.headers.get('docker-content-digest')).toBe(signed.digest);
    expect((await manifestOf('signed/yes', sigTag(signed.digest))).status).toBe(200);
  }, 15_000);
});

describe('preserveDigest', () => {
  let image: PushedImage;
  beforeAll(async () => {
    image = await pushRandomImage(client, 'docker/app', 'v1', { docker: true, layers: 2 });
    await pushCosignSignature('docker/app', image);
  });

  it('converts a Docker manifest to OCI by default, and renames its .sig tag after the new digest', async () => {
    const pulled = await manifestOf('conv/app', 'v1');
    expect(pulled.status).toBe(200);
    expect(pulled.headers.get('content-type')).toBe(OCI_MANIFEST);
    const body = Buffer.from(await pulled.arrayBuffer());
    const local = sha256(body);
    expect(local).not.toBe(image.digest);
    expect(pulled.headers.get('docker-content-digest')).toBe(local);
    const manifest = JSON.parse(body.toString()) as {
      mediaType: string;
      config: { mediaType: string };
      layers: Array<{ mediaType: string; digest: string }>;
    };
    expect(manifest.mediaType).toBe(OCI_MANIFEST);
    expect(manifest.config.mediaType).toBe('application/vnd.oci.image.config.v1+json');
    expect(manifest.layers.map((l) => l.mediaType)).toEqual([
      'application/vnd.oci.image.layer.v1.tar+gzip',
      'application/vnd.oci.image.layer.v1.tar+gzip',
    ]);
    // the blobs are the upstream's: only the manifest changed
    expect(manifest.layers.map((l) => l.digest)).toEqual(image.layers.map((l) => l.digest));
    // (a tags list, not a GET of the old name: on demand, that GET would fetch the upstream's tag)
    const tags = (await (await fetch(`${mirror.url}/v2/conv/app/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags.sort()).toEqual([sigTag(local), 'v1'].sort());
  }, 15_000);

  it('keeps the Docker manifest byte for byte with preserveDigest: true', async () => {
    const pulled = await manifestOf('keep/app', 'v1');
    expect(pulled.status).toBe(200);
    expect(pulled.headers.get('content-type')).toBe(DOCKER_MANIFEST);
    expect(pulled.headers.get('docker-content-digest')).toBe(image.digest);
    expect(Buffer.from(await pulled.arrayBuffer()).equals(image.manifest)).toBe(true);
    expect((await manifestOf('keep/app', sigTag(image.digest))).status).toBe(200);
  }, 15_000);
});

// The test data of the official conformance suite (opencontainers/distribution-spec v1.1.1, conformance/setup.go
// and image.go), rebuilt byte-shape for byte-shape: Go marshals with tabs, a []byte field as base64, a nil one as
// null, so every descriptor carries `"newUnspecifiedField": null` or a base64 string, and config descriptors
// carry `data`. The empty-layer manifest has no mediaType at all. A registry that chokes on any of these fails
// the official run, so our port of it sends exactly these shapes.
import { randomBytes } from 'node:crypto';
import { sha256 } from './helpers.js';

export const manifestType = 'application/vnd.oci.image.manifest.v1+json';
export const indexType = 'application/vnd.oci.image.index.v1+json';
export const artifactTypeA = 'application/vnd.nhl.peanut.butter.bagel';
export const artifactTypeB = 'application/vnd.nba.strawberry.jam.croissant';
export const annotationKey = 'org.opencontainers.conformance.test';
/** setup.go: nonexistentManifest, a reference that is not even a valid tag. */
export const nonexistentManifest = '.INVALID_MANIFEST_NAME';
/** setup.go: godigest.FromString("hello world"). */
export const dummyDigest = sha256('hello world');

export interface Blob {
  content: Buffer;
  digest: string;
}

const blob = (content: Buffer | string): Blob => {
  const bytes = Buffer.from(content);
  return { content: bytes, digest: sha256(bytes) };
};
const goJson = (value: unknown) => Buffer.from(JSON.stringify(value, null, '\t'));

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  data?: string;
  newUnspecifiedField: string | null;
}
const descriptor = (mediaType: string, of: Blob, extra: Partial<Descriptor> = {}): Descriptor => ({
  mediaType,
  digest: of.digest,
  size: of.content.length,
  newUnspecifiedField: null,
  ...extra,
});

/** One config per workflow (pull 0, push 1, discovery 2, management 3, referrer subject 4). */
export const configs: Blob[] = Array.from({ length: 5 }, () =>
  blob(
    goJson({
      author: randomBytes(8).toString('hex'),
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [] },
    }),
  ),
);
export const layer = blob(randomBytes(1024));
const configDescriptor = (config: Blob) =>
  descriptor('application/vnd.oci.image.config.v1+json', config, {
    data: config.content.toString('base64'),
    newUnspecifiedField: Buffer.from('hello world').toString('base64'),
  });

export const manifests: Blob[] = configs.map((config) =>
  blob(
    goJson({
      schemaVersion: 2,
      mediaType: manifestType,
      config: configDescriptor(config),
      layers: [descriptor('application/vnd.oci.image.layer.v1.tar+gzip', layer)],
    }),
  ),
);

/** No mediaType field and no layers: the spec lets both be absent. */
export const emptyLayerManifest = blob(
  goJson({ schemaVersion: 2, config: configDescriptor(configs[1] as Blob), layers: [] }),
);

/** The chunked-upload blob: 42 random bytes cut after size/2+1. */
export const chunkedBlob = blob(randomBytes(42));
export const chunks = [chunkedBlob.content.subarray(0, 22), chunkedBlob.content.subarray(22)] as const;
export const testBlobA = blob(randomBytes(42));

export const emptyJson = blob('{}');
export const refBlobA = blob('NHL Peanut Butter on my NHL bagel');
export const refBlobB = blob('NBA Strawberry Jam on my NBA croissant');

const subjectOf = (manifest: Blob) => descriptor(manifestType, manifest);
const configArtifact = (type: string, content: Blob, note: string) =>
  blob(
    goJson({
      schemaVersion: 2,
      mediaType: manifestType,
      config: descriptor(type, content),
      layers: [descriptor('application/vnd.oci.empty.v1+json', emptyJson)],
      subject: subjectOf(manifests[4] as Blob),
      annotations: { [annotationKey]: note },
    }),
  );
const layerArtifact = (type: string, content: Blob, subject: Blob, note?: string) =>
  blob(
    goJson({
      schemaVersion: 2,
      mediaType: manifestType,
      artifactType: type,
      config: descriptor('application/vnd.oci.empty.v1+json', emptyJson),
      layers: [descriptor(type, content)],
      subject: subjectOf(subject),
      ...(note === undefined ? {} : { annotations: { [annotationKey]: note } }),
    }),
  );

export const refs = {
  aConfig: configArtifact(artifactTypeA, refBlobA, 'test config a'),
  bConfig: configArtifact(artifactTypeB, refBlobB, 'test config b'),
  aLayer: layerArtifact(artifactTypeA, refBlobA, manifests[4] as Blob, 'test layer a'),
  bLayer: layerArtifact(artifactTypeB, refBlobB, manifests[4] as Blob, 'test layer b'),
  /** Refers to manifests[3], which the discovery workflow never pushes. */
  cLayer: layerArtifact(artifactTypeB, refBlobB, manifests[3] as Blob),
};
export const refsIndex = blob(
  goJson({
    schemaVersion: 2,
    mediaType: indexType,
    artifactType: 'application/vnd.food.stand',
    manifests: [descriptor(manifestType, refs.aConfig), descriptor(manifestType, refs.aLayer)],
    subject: subjectOf(manifests[4] as Blob),
    annotations: { [annotationKey]: 'test index' },
  }),
);
/** The annotation each of the five referrers of manifests[4] carries. */
export const annotationOf = new Map<string, string>([
  [refs.aConfig.digest, 'test config a'],
  [refs.bConfig.digest, 'test config b'],
  [refs.aLayer.digest, 'test layer a'],
  [refs.bLayer.digest, 'test layer b'],
  [refsIndex.digest, 'test index'],
]);

// Descriptors (image-spec descriptor.md): the typed pointer every manifest, index and index.json is made of.
import { isDigest } from './digest.js';
import type { Descriptor } from './store-types.js';

/** The annotation that names a tag in an OCI image layout's index.json (image-spec annotations.md). */
export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((entry) => typeof entry === 'string')
  );
}

/** Why `value` is not a descriptor, or undefined when it is one. */
export function descriptorProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const candidate = value as Record<string, unknown>;
  if (typeof candidate.mediaType !== 'string' || candidate.mediaType === '') return 'mediaType missing';
  if (!isDigest(candidate.digest)) return 'digest missing or invalid';
  if (typeof candidate.size !== 'number' || !Number.isSafeInteger(candidate.size) || candidate.size < 0) {
    return 'size missing or invalid';
  }
  if (candidate.annotations !== undefined && !isStringRecord(candidate.annotations))
    return 'annotations must map strings';
  if (candidate.artifactType !== undefined && typeof candidate.artifactType !== 'string')
    return 'artifactType not a string';
  if (candidate.urls !== undefined && !Array.isArray(candidate.urls)) return 'urls not an array';
  return undefined;
}

export function isDescriptor(value: unknown): value is Descriptor {
  return descriptorProblem(value) === undefined;
}

/** The tag a descriptor carries in index.json, if any. */
export function tagOfDescriptor(descriptor: Descriptor): string | undefined {
  return descriptor.annotations?.[ANNOTATION_REF_NAME];
}

/** A copy of `descriptor` with only the spec's fields, in their usual order. */
export function cleanDescriptor(descriptor: Descriptor): Descriptor {
  const clean: Descriptor = {
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
  };
  if (descriptor.artifactType !== undefined) clean.artifactType = descriptor.artifactType;
  if (descriptor.annotations !== undefined) clean.annotations = { ...descriptor.annotations };
  if (descriptor.platform !== undefined) clean.platform = descriptor.platform;
  if (descriptor.urls !== undefined) clean.urls = descriptor.urls;
  if (descriptor.data !== undefined) clean.data = descriptor.data;
  return clean;
}

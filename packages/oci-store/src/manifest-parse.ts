// Parses and checks a pushed manifest body (image-spec manifest.md and image-index.md; Docker v2s2).
// Pure: knows nothing of storage. The store then checks that what it references exists.
import { descriptorProblem } from './descriptor.js';
import { OciError } from './errors.js';
import { JsonTooDeepError, parseJsonWithinDepth } from './json-depth.js';
import {
  imageManifestMediaTypes,
  indexMediaTypes,
  isManifestMediaType,
  normalizeMediaType,
} from './media-types.js';
import type { Descriptor, Digest } from './store-types.js';

/** What the store needs to know of a manifest, cached by digest (the content never changes). */
export interface ManifestSummary {
  mediaType: string;
  /** manifest.artifactType ?? config.mediaType (distribution-spec, "Listing Referrers"). */
  artifactType?: string;
  subject?: Descriptor;
  annotations?: Record<string, string>;
  config?: Descriptor;
  /** Blobs of an image manifest (layers). */
  layers: Descriptor[];
  /** Child manifests of an index. */
  manifests: Descriptor[];
}

function invalid(reason: string, extra: Record<string, unknown> = {}): OciError {
  return new OciError('MANIFEST_INVALID', { detail: { reason, ...extra } });
}

function descriptorList(value: unknown, field: string, required: boolean): Descriptor[] {
  if (value === undefined || value === null) {
    if (required) throw invalid(`${field} missing`);
    return [];
  }
  if (!Array.isArray(value)) throw invalid(`${field} must be an array`);
  return value.map((entry, position) => {
    const problem = descriptorProblem(entry);
    if (problem) throw invalid(`${field}[${position}]: ${problem}`);
    return entry as Descriptor;
  });
}

function optionalDescriptor(value: unknown, field: string): Descriptor | undefined {
  if (value === undefined) return undefined;
  const problem = descriptorProblem(value);
  if (problem) throw invalid(`${field}: ${problem}`);
  return value as Descriptor;
}

/**
 * Decides the manifest's media type: the body's `mediaType` when present, which must then equal the
 * Content-Type (image-spec: "when used, this field MUST contain the media type"), else the Content-Type.
 */
function resolveMediaType(contentType: string, bodyMediaType: unknown): string {
  const declared = normalizeMediaType(contentType);
  if (bodyMediaType !== undefined && typeof bodyMediaType !== 'string')
    throw invalid('mediaType must be a string');
  if (typeof bodyMediaType === 'string' && declared !== '' && bodyMediaType !== declared) {
    throw invalid('mediaType in body differs from Content-Type', {
      body: bodyMediaType,
      contentType: declared,
    });
  }
  const mediaType = typeof bodyMediaType === 'string' ? bodyMediaType : declared;
  if (!isManifestMediaType(mediaType)) {
    throw invalid('unsupported manifest media type', { mediaType: mediaType.slice(0, 200) });
  }
  return mediaType;
}

export function parseManifest(contentType: string, content: Uint8Array): ManifestSummary {
  let body: unknown;
  try {
    body = parseJsonWithinDepth(content);
  } catch (error) {
    if (error instanceof JsonTooDeepError) throw invalid(error.message, { maxDepth: error.maxDepth });
    throw invalid('not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('not a JSON object');
  const manifest = body as Record<string, unknown>;
  if (manifest.schemaVersion !== 2) throw invalid('schemaVersion must be 2');
  const mediaType = resolveMediaType(contentType, manifest.mediaType);
  const summary: ManifestSummary = { mediaType, layers: [], manifests: [] };
  if (manifest.artifactType !== undefined && typeof manifest.artifactType !== 'string') {
    throw invalid('artifactType must be a string');
  }
  const subject = optionalDescriptor(manifest.subject, 'subject');
  if (subject) summary.subject = subject;
  const annotations = manifest.annotations;
  if (annotations !== undefined) {
    if (typeof annotations !== 'object' || annotations === null || Array.isArray(annotations)) {
      throw invalid('annotations must be an object');
    }
    summary.annotations = annotations as Record<string, string>;
  }
  if (imageManifestMediaTypes.has(mediaType)) {
    const config = optionalDescriptor(manifest.config, 'config');
    if (!config) throw invalid('config missing');
    summary.config = config;
    summary.layers = descriptorList(manifest.layers, 'layers', true);
    const artifactType = (manifest.artifactType as string | undefined) ?? config.mediaType;
    summary.artifactType = artifactType;
  } else if (indexMediaTypes.has(mediaType)) {
    summary.manifests = descriptorList(manifest.manifests, 'manifests', true);
    if (typeof manifest.artifactType === 'string') summary.artifactType = manifest.artifactType;
  }
  return summary;
}

/** Digests of every blob and child manifest the manifest needs present (not the subject: it may come later). */
export function requiredDigests(
  summary: ManifestSummary,
  isOptionalLayer: (layer: Descriptor) => boolean,
): Digest[] {
  const required: Digest[] = [];
  if (summary.config) required.push(summary.config.digest);
  for (const layer of summary.layers) if (!isOptionalLayer(layer)) required.push(layer.digest);
  for (const child of summary.manifests) required.push(child.digest);
  return required;
}

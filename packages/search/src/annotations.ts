// What an image says about itself, read as zot reads it (convert/annotations.go): an OCI annotation, else the
// label-schema key of the same meaning, first in the manifest's annotations, then in the config's labels.
import { parseTime } from './time.js';

const KEYS = {
  created: ['org.opencontainers.image.created', 'org.label-schema.build-date'],
  description: ['org.opencontainers.image.description', 'org.label-schema.description'],
  licenses: ['org.opencontainers.image.licenses', 'org.label-schema.license'],
  vendor: ['org.opencontainers.image.vendor', 'org.label-schema.vendor'],
  title: ['org.opencontainers.image.title', 'org.label-schema.name'],
  documentation: ['org.opencontainers.image.documentation', 'org.label-schema.usage'],
  source: ['org.opencontainers.image.source', 'org.label-schema.vcs-url'],
} as const;
const LABELS_KEY = 'org.label-schema.labels';
const AUTHORS_KEY = 'org.opencontainers.image.authors';

export interface ImageAnnotations {
  created: Date | undefined;
  description: string;
  licenses: string;
  title: string;
  documentation: string;
  source: string;
  labels: string;
  vendor: string;
  authors: string;
}

type Strings = Record<string, string>;

/** zot's GetAnnotationValue: the OCI key unless empty, else the label-schema key. */
function annotationValue(map: Strings, [annotationKey, labelKey]: readonly [string, string]): string {
  const value = map[annotationKey];
  if (value !== undefined && value !== '') return value;
  return map[labelKey] ?? '';
}

function fromOne(map: Strings): ImageAnnotations {
  return {
    created: parseTime(annotationValue(map, KEYS.created)),
    description: annotationValue(map, KEYS.description),
    licenses: annotationValue(map, KEYS.licenses),
    title: annotationValue(map, KEYS.title),
    documentation: annotationValue(map, KEYS.documentation),
    source: annotationValue(map, KEYS.source),
    labels: map[LABELS_KEY] ?? '',
    vendor: annotationValue(map, KEYS.vendor),
    authors: map[AUTHORS_KEY] ?? '',
  };
}

/** Each field from `first` unless empty there, else from `fallback` (zot's GetAnnotations, GetIndexAnnotations). */
function merge(first: ImageAnnotations, fallback: ImageAnnotations): ImageAnnotations {
  return {
    created: first.created ?? fallback.created,
    description: first.description || fallback.description,
    licenses: first.licenses || fallback.licenses,
    title: first.title || fallback.title,
    documentation: first.documentation || fallback.documentation,
    source: first.source || fallback.source,
    labels: first.labels || fallback.labels,
    vendor: first.vendor || fallback.vendor,
    authors: first.authors || fallback.authors,
  };
}

/** A manifest's annotations, with the config's labels as fallback. */
export function imageAnnotations(annotations: Strings, labels: Strings): ImageAnnotations {
  return merge(fromOne(annotations), fromOne(labels));
}

/** An index's annotations, with those of its first manifest as fallback. */
export function indexAnnotations(annotations: Strings, firstManifest: ImageAnnotations): ImageAnnotations {
  return merge(fromOne(annotations), firstManifest);
}

export const EMPTY_ANNOTATIONS: ImageAnnotations = Object.freeze(fromOne({}));

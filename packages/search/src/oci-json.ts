// Typed reads of parsed manifest and config bodies (metastore keeps them as plain JSON objects).
import { isRecord, type OciJson } from '@zot-ts/metastore';

// One copy of these guards, the metastore's (search reads the records metastore derives).
export { isRecord, stringMap } from '@zot-ts/metastore';

export interface Descriptor {
  digest: string;
  size: number;
  mediaType: string;
}

export const stringOf = (value: unknown): string => (typeof value === 'string' ? value : '');

export function descriptorOf(value: unknown): Descriptor {
  if (!isRecord(value)) return { digest: '', size: 0, mediaType: '' };
  const size = Number(value.size ?? 0);
  return {
    digest: stringOf(value.digest),
    size: Number.isFinite(size) ? size : 0,
    mediaType: stringOf(value.mediaType),
  };
}

/** The layers of a manifest body, in order. */
export function layersOf(manifest: OciJson): Descriptor[] {
  return Array.isArray(manifest.layers) ? manifest.layers.map(descriptorOf) : [];
}

/** The `config` object inside an image config (Labels, Env...). */
export function containerConfigOf(config: OciJson): Record<string, unknown> {
  return isRecord(config.config) ? config.config : {};
}

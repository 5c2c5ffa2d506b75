// The text view of image summaries: zot's columns (REPOSITORY TAG OS/ARCH DIGEST SIGNED SIZE) plus
// LAST UPDATED. --verbose shows full digests and one extra row per platform of an index.

import { humanSize, renderTable, shortDigest } from '../cli/output.js';
import type { ImageSummary } from './image-summary.js';

const HEADER = ['REPOSITORY', 'TAG', 'OS/ARCH', 'DIGEST', 'SIGNED', 'SIZE', 'LAST UPDATED'];

function day(timestamp: string | undefined): string {
  if (timestamp === undefined) return '-';
  const parsed = new Date(timestamp);
  return Number.isNaN(parsed.getTime())
    ? timestamp
    : parsed
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$|Z$/, '');
}

export function formatImageTable(images: readonly ImageSummary[], verbose: boolean): string {
  if (images.length === 0) return 'no images found\n';
  const digest = (value: string): string => (verbose ? value : shortDigest(value));
  const rows: string[][] = [];
  for (const image of images) {
    rows.push([
      image.repository,
      image.tag,
      image.platforms.length === 0 ? '-' : image.platforms.join(', '),
      digest(image.digest),
      String(image.signed),
      humanSize(image.size),
      day(image.lastUpdated),
    ]);
    if (verbose) {
      for (const platformImage of image.manifests ?? []) {
        rows.push([
          '',
          '',
          platformImage.platform || '-',
          digest(platformImage.digest),
          '',
          humanSize(platformImage.size),
          day(platformImage.lastUpdated),
        ]);
      }
    }
  }
  return renderTable(HEADER, rows);
}

// The text view of image summaries: zot's columns (REPOSITORY TAG OS/ARCH DIGEST SIGNED SIZE) plus
// LAST UPDATED. --verbose shows full digests and one extra row per platform of an index.
// TRUSTED follows SIGNED only when the registry verifies signatures (some image carries `trusted`), so
// the table of a registry without verification keeps zot's columns.

import { humanSize, renderTable, shortDigest } from '../cli/output.js';
import type { ImageSummary } from './image-summary.js';

const HEADER = ['REPOSITORY', 'TAG', 'OS/ARCH', 'DIGEST', 'SIGNED', 'SIZE', 'LAST UPDATED'];
const HEADER_WITH_TRUST = [...HEADER.slice(0, 5), 'TRUSTED', ...HEADER.slice(5)];

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
  const showTrust = images.some((image) => image.trusted !== undefined);
  // the TRUSTED cell sits right after SIGNED; platform rows leave both empty
  const withTrust = (cells: string[], trusted: string): string[] =>
    showTrust ? [...cells.slice(0, 5), trusted, ...cells.slice(5)] : cells;
  const rows: string[][] = [];
  for (const image of images) {
    rows.push(
      withTrust(
        [
          image.repository,
          image.tag,
          image.platforms.length === 0 ? '-' : image.platforms.join(', '),
          digest(image.digest),
          String(image.signed),
          humanSize(image.size),
          day(image.lastUpdated),
        ],
        image.trusted === undefined ? '-' : String(image.trusted),
      ),
    );
    if (verbose) {
      for (const platformImage of image.manifests ?? []) {
        rows.push(
          withTrust(
            [
              '',
              '',
              platformImage.platform || '-',
              digest(platformImage.digest),
              '',
              humanSize(platformImage.size),
              day(platformImage.lastUpdated),
            ],
            '',
          ),
        );
      }
    }
  }
  return renderTable(showTrust ? HEADER_WITH_TRUST : HEADER, rows);
}

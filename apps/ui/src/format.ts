// Display helpers: sizes in binary units, times as "3 days ago" with the exact time in a title, short digests.

export function formatSize(bytes: string | number | null | undefined): string {
  const value = Number(bytes ?? 0);
  if (!Number.isFinite(value) || value <= 0) return '0 B';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let scaled = value;
  let unit = 0;
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? scaled : scaled.toFixed(1)} ${units[unit]}`;
}

/** Go's zero time (and absent times) mean "never". */
export function isNever(time: string | null | undefined): boolean {
  return time === undefined || time === null || time === '' || time.startsWith('0001-01-01');
}

export function timeAgo(time: string | null | undefined, now = Date.now()): string {
  if (isNever(time)) return 'never';
  const then = Date.parse(time as string);
  if (Number.isNaN(then)) return 'unknown';
  const seconds = Math.round((now - then) / 1000);
  if (seconds < 0) return 'just now';
  const steps: Array<[number, string]> = [
    [60, 'second'],
    [60, 'minute'],
    [24, 'hour'],
    [30, 'day'],
    [12, 'month'],
    [Number.POSITIVE_INFINITY, 'year'],
  ];
  let amount = seconds;
  for (const [size, name] of steps) {
    if (amount < size) return `${amount} ${name}${amount === 1 ? '' : 's'} ago`;
    amount = Math.floor(amount / size);
  }
  return 'long ago';
}

export function exactTime(time: string | null | undefined): string {
  return isNever(time)
    ? 'never'
    : new Date(time as string)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');
}

export const shortDigest = (digest: string | null | undefined): string =>
  digest ? digest.replace(/^sha256:/, '').slice(0, 12) : '';

export function platformLabel(
  platform: { Os?: string | null; Arch?: string | null } | null | undefined,
): string {
  if (!platform) return '';
  return [platform.Os, platform.Arch].filter((p) => p !== null && p !== undefined && p !== '').join('/');
}

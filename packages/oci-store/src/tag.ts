// Tags (distribution-spec, "Pulling manifests": `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`).
import { OciError } from './errors.js';

const tagPattern = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

export function isTag(value: unknown): value is string {
  return typeof value === 'string' && tagPattern.test(value);
}

/** Throws MANIFEST_INVALID (the spec has no TAG_INVALID) when `value` is not a valid tag. */
export function assertTag(value: string): string {
  if (!isTag(value)) {
    throw new OciError('MANIFEST_INVALID', {
      message: 'invalid tag',
      detail: { tag: String(value).slice(0, 200), reason: 'expected [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}' },
    });
  }
  return value;
}

// Errors of the zli profile file (~/.zot). Messages follow zot v2.1.17's pkg/errors wording
// ("invalid cli config", "given config key is not allowed", ...) so users and scripts that grep
// for them keep working; the `code` is what tests and callers branch on.

export type ZliConfigErrorCode =
  | 'CONFIG_MALFORMED'
  | 'CONFIGS_MISSING'
  | 'CONFIGS_NOT_ARRAY'
  | 'PROFILE_NOT_OBJECT'
  | 'PROFILE_NAME_MISSING'
  | 'PROFILE_URL_MISSING'
  | 'URL_INVALID'
  | 'KEY_NOT_ALLOWED'
  | 'VALUE_INVALID'
  | 'NAME_RESERVED'
  | 'NAME_DUPLICATE'
  | 'PROFILE_NOT_FOUND'
  | 'KEY_NOT_RESETTABLE'
  | 'NAME_IMMUTABLE';

export class ZliConfigError extends Error {
  override readonly name = 'ZliConfigError';
  readonly code: ZliConfigErrorCode;

  constructor(code: ZliConfigErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** The zot prefix for anything wrong inside the file itself (as opposed to a bad command argument). */
export const BAD_CONFIG_PREFIX = 'invalid cli config';

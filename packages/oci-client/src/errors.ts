// The client's one error class: a code callers branch on (sync skips NOT_FOUND, fails over on UNREACHABLE),
// the HTTP status when there was one, and the distribution-spec error code from the body when it had one.

export type RegistryClientErrorCode =
  /** The registry answered 404 (a manifest, blob, repository or tag that does not exist). */
  | 'NOT_FOUND'
  /** 401/403 after the auth flow ran: wrong credentials or no access. */
  | 'UNAUTHORIZED'
  /** The token server refused or answered something that is not a token. */
  | 'TOKEN_FAILED'
  /** Content whose digest or size differs from what was asked for or announced. */
  | 'DIGEST_MISMATCH'
  /** The registry could not be reached, or the connection broke, after every retry. */
  | 'UNREACHABLE'
  /** Any other status the operation did not expect. */
  | 'UNEXPECTED_STATUS'
  /** A body that is not what the spec says (bad JSON, a manifest without a media type). */
  | 'INVALID_RESPONSE'
  | 'ABORTED';

export class RegistryClientError extends Error {
  override readonly name = 'RegistryClientError';
  readonly code: RegistryClientErrorCode;
  readonly status: number | undefined;
  /** `errors[0].code` of a distribution-spec error body (MANIFEST_UNKNOWN, NAME_UNKNOWN...). */
  readonly ociCode: string | undefined;

  constructor(
    code: RegistryClientErrorCode,
    message: string,
    options: { status?: number; ociCode?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.ociCode = options.ociCode;
  }
}

export function isRegistryClientError(
  error: unknown,
  code?: RegistryClientErrorCode,
): error is RegistryClientError {
  return error instanceof RegistryClientError && (code === undefined || error.code === code);
}

/** The first spec error code of a body, if it is one (`{"errors":[{"code":...}]}`). */
export function ociCodeOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ code?: unknown }> };
    const code = parsed.errors?.[0]?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** The error a non-2xx answer becomes, by status. */
export function statusError(status: number, what: string, body: string): RegistryClientError {
  const ociCode = ociCodeOf(body);
  const detail = `${what}: HTTP ${status}${ociCode === undefined ? '' : ` ${ociCode}`}`;
  const options = ociCode === undefined ? { status } : { status, ociCode };
  if (status === 404) return new RegistryClientError('NOT_FOUND', detail, options);
  if (status === 401 || status === 403) return new RegistryClientError('UNAUTHORIZED', detail, options);
  return new RegistryClientError('UNEXPECTED_STATUS', detail, options);
}

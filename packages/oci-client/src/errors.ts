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
  /** The URL that answered or could not be reached, when the error comes from one request (CLIs show it). */
  readonly url: string | undefined;

  constructor(
    code: RegistryClientErrorCode,
    message: string,
    options: { status?: number; ociCode?: string; url?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.ociCode = options.ociCode;
    this.url = options.url;
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
export function statusError(status: number, what: string, body: string, url?: string): RegistryClientError {
  const ociCode = ociCodeOf(body);
  const detail = `${what}: HTTP ${status}${ociCode === undefined ? '' : ` ${ociCode}`}`;
  const options = {
    status,
    ...(ociCode === undefined ? {} : { ociCode }),
    ...(url === undefined ? {} : { url }),
  };
  if (status === 404) return new RegistryClientError('NOT_FOUND', detail, options);
  if (status === 401 || status === 403) return new RegistryClientError('UNAUTHORIZED', detail, options);
  return new RegistryClientError('UNEXPECTED_STATUS', detail, options);
}

/** Node's codes for a certificate or handshake failure (an UNREACHABLE error's cause). */
const TLS_FAILURE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/**
 * Whether an UNREACHABLE error was a TLS failure (an untrusted or mismatched certificate, a plain-HTTP server
 * on an https URL): a CLI suggests `verify-tls` or a CA for these, where a refused connection needs another hint.
 * The code stays UNREACHABLE so that callers failing over on it (sync) treat both alike.
 */
export function isTlsFailure(error: unknown): boolean {
  if (!isRegistryClientError(error, 'UNREACHABLE')) return false;
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  const message = typeof cause?.message === 'string' ? cause.message : '';
  return TLS_FAILURE_CODES.has(code) || /certificate|ssl|tls/i.test(message);
}

// What can go wrong talking to a registry, as codes a caller can branch on (the CLI maps them to exit
// codes and suggestions). The client never prints; it throws these.

export type RegistryClientErrorCode =
  | 'UNREACHABLE'
  | 'TLS'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'NOT_FOUND'
  | 'UNEXPECTED_STATUS'
  | 'INVALID_RESPONSE';

export interface RegistryClientErrorDetail {
  readonly url?: string;
  readonly status?: number;
  /** distribution-spec error codes from the body (`{"errors":[{"code":...}]}`), when there was one. */
  readonly registryCodes?: readonly string[];
}

export class RegistryClientError extends Error {
  override readonly name = 'RegistryClientError';
  readonly code: RegistryClientErrorCode;
  readonly detail: RegistryClientErrorDetail;

  constructor(
    code: RegistryClientErrorCode,
    message: string,
    detail: RegistryClientErrorDetail = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.detail = detail;
  }
}

/** Node's TLS failures come with these codes; they deserve their own hint (verify-tls / CA). */
const TLS_ERROR_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

export function networkError(url: string, cause: unknown): RegistryClientError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? '';
  const reason = cause instanceof Error ? cause.message : String(cause);
  if (TLS_ERROR_CODES.has(code) || /certificate|ssl|tls/i.test(reason)) {
    return new RegistryClientError(
      'TLS',
      `TLS handshake with ${new URL(url).host} failed: ${reason}`,
      { url },
      { cause },
    );
  }
  return new RegistryClientError(
    'UNREACHABLE',
    `cannot reach ${new URL(url).origin}: ${reason}`,
    { url },
    { cause },
  );
}

function registryCodesOf(body: Buffer): string[] {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: unknown }> };
    return (parsed.errors ?? []).map((entry) => String(entry.code ?? '')).filter((code) => code !== '');
  } catch {
    return [];
  }
}

export function statusError(url: string, status: number, body: Buffer): RegistryClientError {
  const registryCodes = registryCodesOf(body);
  const detail = { url, status, registryCodes };
  const suffix = registryCodes.length > 0 ? ` (${registryCodes.join(', ')})` : '';
  if (status === 401)
    return new RegistryClientError('UNAUTHORIZED', `unauthorized access to ${url}${suffix}`, detail);
  if (status === 403) return new RegistryClientError('DENIED', `access denied to ${url}${suffix}`, detail);
  if (status === 404) return new RegistryClientError('NOT_FOUND', `not found: ${url}${suffix}`, detail);
  return new RegistryClientError(
    'UNEXPECTED_STATUS',
    `unexpected HTTP ${status} from ${url}${suffix}`,
    detail,
  );
}

// What went wrong talking to the registry, in the words zli branches on (exit codes, hints, fallbacks).
// @zot-ts/oci-client says UNAUTHORIZED for 401 and 403 alike and UNREACHABLE for a TLS failure too (so that
// sync fails over on both); zli tells them apart because its hints differ: credentials against permission,
// `verify-tls` against "is the registry running".
import { isRegistryClientError, isTlsFailure, type RegistryClientError } from '@zot-ts/oci-client';

export type RegistryFailure =
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'TLS'
  | 'UNREACHABLE'
  | 'NOT_FOUND'
  | 'INVALID_RESPONSE'
  | 'UNEXPECTED_STATUS';

/** zli's reading of an error of the registry client; undefined for anything else (a bug, a config error). */
export function registryFailureOf(error: unknown): RegistryFailure | undefined {
  if (!isRegistryClientError(error)) return undefined;
  switch (error.code) {
    case 'UNAUTHORIZED':
      return error.status === 403 ? 'DENIED' : 'UNAUTHORIZED';
    // the token server refused the credentials: to the user, the same as a 401
    case 'TOKEN_FAILED':
      return 'UNAUTHORIZED';
    case 'UNREACHABLE':
      return isTlsFailure(error) ? 'TLS' : 'UNREACHABLE';
    case 'NOT_FOUND':
      return 'NOT_FOUND';
    case 'INVALID_RESPONSE':
    case 'DIGEST_MISMATCH':
      return 'INVALID_RESPONSE';
    default:
      return 'UNEXPECTED_STATUS';
  }
}

function reasonOf(error: RegistryClientError): string {
  const cause = error.cause;
  return cause instanceof Error ? cause.message : error.message;
}

/** The one line zli prints for a registry error (the wording zli has always used). */
export function describeRegistryFailure(error: RegistryClientError): string {
  const url = error.url;
  const suffix = error.ociCode === undefined ? '' : ` (${error.ociCode})`;
  switch (registryFailureOf(error)) {
    case 'UNAUTHORIZED':
      // zot's zli says "unauthorised access"; the registry's own UNAUTHORIZED code adds nothing here
      return `unauthorised access to ${url ?? 'the registry'}`;
    case 'DENIED':
      return `access denied to ${url ?? 'the registry'}${suffix}`;
    case 'TLS':
      return `TLS handshake with ${url === undefined ? 'the registry' : new URL(url).host} failed: ${reasonOf(error)}`;
    case 'UNREACHABLE':
      return `cannot reach ${url === undefined ? 'the registry' : new URL(url).origin}: ${reasonOf(error)}`;
    case 'NOT_FOUND':
      return url === undefined ? error.message : `not found: ${url}${suffix}`;
    default:
      return error.message;
  }
}

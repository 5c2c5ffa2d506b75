// Why a request to an OpenID provider failed, in words an operator can act on: DNS, connect, TLS or the HTTP
// status. fetch (undici) hides the cause under `TypeError: fetch failed`; oauth4webapi wraps bad answers.
import * as oauth from 'oauth4webapi';

const tlsCodes = /^(CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_TLS|ERR_SSL|HOSTNAME_MISMATCH|ERR_CERT)/;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The innermost cause that carries a system or TLS error code, else the error itself. */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    const next = (current as { cause?: unknown } | undefined)?.cause;
    if (next === undefined || next === null) break;
    current = next;
  }
  return current;
}

export function describeFetchFailure(error: unknown): string {
  if (error instanceof oauth.ResponseBodyError || error instanceof oauth.WWWAuthenticateChallengeError)
    return `HTTP status ${error.status}`;
  if (error instanceof oauth.OperationProcessingError && error.cause instanceof Response)
    return `HTTP status ${error.cause.status}`;
  const cause = rootCause(error);
  const code = codeOf(cause) ?? codeOf(error);
  const message = cause instanceof Error ? cause.message : String(cause);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `DNS lookup failed (${code}): ${message}`;
  if (code === 'ECONNREFUSED') return `connection refused (${message})`;
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return `connect timed out (${message})`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `connection reset (${message})`;
  if (code !== undefined && tlsCodes.test(code)) return `TLS: ${code} (${message})`;
  if (error instanceof oauth.OperationProcessingError) return error.message;
  return code === undefined ? message : `${code}: ${message}`;
}

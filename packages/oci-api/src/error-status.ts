// The one table from distribution-spec error code to HTTP status, and the one function that renders
// `{"errors":[{code,message,detail}]}`. Handlers throw OciError; nothing else writes an error body.
import { OciError, type OciErrorCode, ociErrorMessages } from './store-contract.js';

/**
 * distribution-spec "Error Codes" gives the status of the spec's codes; where it leaves room we follow zot v2.1.17:
 * - MANIFEST_BLOB_UNKNOWN: 400 (zot), the spec's table says 404.
 * - UNSUPPORTED: 415 for an unsupported manifest media type; routes that are not implemented pass 405 explicitly.
 * - BLOB_IN_USE: 405, the status zot answers when a blob delete is refused because a manifest still references it.
 * - RANGE_INVALID: 416 (RFC 9110 Range Not Satisfiable, and the spec's status for an out-of-order chunk).
 * - SIZE_TOO_LARGE: 413 (spec: a registry refusing a manifest for its size SHOULD answer 413).
 */
export const ociErrorStatus = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 415,
  TOOMANYREQUESTS: 429,
  RANGE_INVALID: 416,
  BLOB_IN_USE: 405,
  SIZE_TOO_LARGE: 413,
} as const satisfies Record<OciErrorCode, number>;

export interface ErrorBody {
  errors: Array<{ code: string; message: string; detail: unknown }>;
}

export function errorBody(error: OciError): ErrorBody {
  return { errors: [{ code: error.code, message: error.message, detail: error.detail }] };
}

/** The body and status for any thrown value: OciError by the table, anything else a 500 without internals. */
export function describeError(error: unknown): {
  status: number;
  headers: Record<string, string>;
  body: ErrorBody;
  unexpected: boolean;
} {
  if (error instanceof OciHttpError)
    return { status: error.status, headers: error.headers, body: errorBody(error), unexpected: false };
  if (error instanceof OciError)
    return { status: ociErrorStatus[error.code], headers: {}, body: errorBody(error), unexpected: false };
  return {
    status: 500,
    headers: {},
    body: { errors: [{ code: 'INTERNAL_ERROR', message: 'internal server error', detail: {} }] },
    unexpected: true,
  };
}

/**
 * An OciError with a status other than the table's for one route (405 for a method a route lacks, 404 for a path that
 * is no route), or with headers the answer needs (416 carries `Content-Range: bytes *\/<size>`). Rare by design.
 */
export class OciHttpError extends OciError {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(
    code: OciErrorCode,
    options: { status?: number; headers?: Record<string, string>; message?: string; detail?: unknown } = {},
  ) {
    super(code, { message: options.message ?? ociErrorMessages[code], detail: options.detail });
    this.status = options.status ?? ociErrorStatus[code];
    this.headers = options.headers ?? {};
  }
}

// Errors of the storage engine. The store names distribution-spec error codes, never HTTP statuses:
// oci-api owns the one table from code to status.

export type OciErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS'
  // not in the spec's table: a Range header that cannot be satisfied (HTTP 416)
  | 'RANGE_INVALID'
  // not in the spec's table: a tag/manifest still needed (e.g. blob delete refused while referenced)
  | 'BLOB_IN_USE'
  // not in the spec's table: a request body larger than a configured limit (HTTP 413)
  | 'SIZE_TOO_LARGE';

/** The spec's human message for each code (distribution-spec, "Error Codes"). */
export const ociErrorMessages = {
  BLOB_UNKNOWN: 'blob unknown to registry',
  BLOB_UPLOAD_INVALID: 'blob upload invalid',
  BLOB_UPLOAD_UNKNOWN: 'blob upload unknown to registry',
  DIGEST_INVALID: 'provided digest did not match uploaded content',
  MANIFEST_BLOB_UNKNOWN: 'manifest references a manifest or blob unknown to registry',
  MANIFEST_INVALID: 'manifest invalid',
  MANIFEST_UNKNOWN: 'manifest unknown to registry',
  NAME_INVALID: 'invalid repository name',
  NAME_UNKNOWN: 'repository name not known to registry',
  SIZE_INVALID: 'provided length did not match content length',
  UNAUTHORIZED: 'authentication required',
  DENIED: 'requested access to the resource is denied',
  UNSUPPORTED: 'the operation is unsupported',
  TOOMANYREQUESTS: 'too many requests',
  RANGE_INVALID: 'requested range not satisfiable',
  BLOB_IN_USE: 'blob is referenced by a manifest',
  SIZE_TOO_LARGE: 'request body too large',
} as const satisfies Record<OciErrorCode, string>;

export interface OciErrorOptions {
  /** Structured detail for the client (JSON-serialisable, no secrets, no file system paths). */
  detail?: unknown;
  /** Overrides the spec's standard message. */
  message?: string;
  cause?: unknown;
}

export class OciError extends Error {
  readonly code: OciErrorCode;
  readonly detail: unknown;

  constructor(code: OciErrorCode, options: OciErrorOptions = {}) {
    super(
      options.message ?? ociErrorMessages[code],
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.name = 'OciError';
    this.code = code;
    this.detail = options.detail ?? {};
  }
}

export function isOciError(value: unknown, code?: OciErrorCode): value is OciError {
  return value instanceof OciError && (code === undefined || value.code === code);
}

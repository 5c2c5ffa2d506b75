// Error classes with a `code` union, so callers and tests decide on codes rather than messages.

export type OidcConfigErrorCode =
  | 'MISSING_ISSUER'
  | 'MISSING_CLIENT_ID'
  | 'MISSING_AUDIENCES'
  | 'INVALID_CREDENTIALS_FILE'
  | 'INVALID_URL'
  | 'INVALID_CEL'
  | 'INVALID_CLAIM_MAPPING';

/** A configuration problem found when building the relying party or the workload-token verifier. */
export class OidcConfigError extends Error {
  override readonly name = 'OidcConfigError';
  readonly code: OidcConfigErrorCode;
  /** Where in zot's config the problem is, e.g. `http.auth.bearer.oidc[0].claimMapping.validations[1].expression`. */
  readonly path: string;

  constructor(code: OidcConfigErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(`${path}: ${message}`, options);
    this.code = code;
    this.path = path;
  }
}

export type OidcFlowErrorCode =
  | 'UNKNOWN_PROVIDER'
  | 'INVALID_CALLBACK_UI'
  | 'INVALID_STATE'
  | 'AUTHORIZATION_DENIED'
  | 'TOKEN_EXCHANGE_FAILED'
  | 'ID_TOKEN_INVALID'
  | 'NO_USERNAME'
  | 'PROVIDER_UNAVAILABLE';

/** HTTP status for each flow error; `satisfies` makes a new code fail to compile until it is mapped. */
export const flowErrorStatus = {
  UNKNOWN_PROVIDER: 400,
  INVALID_CALLBACK_UI: 400,
  INVALID_STATE: 400,
  AUTHORIZATION_DENIED: 401,
  TOKEN_EXCHANGE_FAILED: 401,
  ID_TOKEN_INVALID: 401,
  NO_USERNAME: 401,
  PROVIDER_UNAVAILABLE: 502,
} as const satisfies Record<OidcFlowErrorCode, number>;

/** A refused login step (bad state, replayed code, invalid ID token, ...). */
export class OidcFlowError extends Error {
  override readonly name = 'OidcFlowError';
  readonly code: OidcFlowErrorCode;

  constructor(code: OidcFlowErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  get status(): number {
    return flowErrorStatus[this.code];
  }
}

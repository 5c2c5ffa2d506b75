// The ports the registry adapts: this package imports no internal package (see DESIGN.md),
// so sessions, users and the identity shape are declared here and satisfied structurally.

/** What a session store must offer the OIDC flow (packages/auth implements it over the metastore). */
export interface SessionPort {
  create(input: {
    username: string;
    groups: string[];
    claims: Record<string, unknown>;
    idToken?: string;
    provider: string;
  }): Promise<{ setCookie: string | string[] /* full Set-Cookie header value(s) */ }>;
  current(
    request: Request,
  ): Promise<{ sessionId: string; username: string; idToken?: string; provider?: string } | undefined>;
  revoke(sessionId: string): Promise<void>;
  /** Full Set-Cookie header value(s) that delete the session cookie (and any companion cookie). */
  clearCookie(): string | string[];
}

/** Optional: remembers OIDC users and their groups, so API keys made later carry the same groups. */
export interface UserPort {
  upsert(username: string, groups: string[]): Promise<void>;
}

/** Structurally compatible with oci-api's `Identity` (packages/oci-api/src/ports.ts). */
export interface OidcIdentity {
  username: string;
  /** Sorted and deduplicated. */
  groups: string[];
  method: 'oidc';
  /** Token claims: reach CEL policies as `req.claims`. */
  claims: Record<string, unknown>;
}

export interface Logger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

/** A clock, injectable so tests can move time. */
export type Now = () => Date;

// The authentication contract, declared here with the same shapes as oci-api's ports.ts so that
// `authenticator.authenticate` and `authenticator.challenge` can be passed to oci-api without this
// package importing it (DESIGN.md: libraries satisfy oci-api's function types structurally).

export type Action = 'read' | 'create' | 'update' | 'delete';

export interface CredentialScope {
  /** Repository globs (`*` within a path segment, `**` across segments). */
  repositories: string[];
  actions: Action[];
  /** Repositories are names, compared literally (bearer `access` claims), not globs (API key scopes). */
  exact?: boolean;
}

/** Who is calling, once authenticated. */
export interface Identity {
  username: string;
  /** Sorted, deduplicated group names. */
  groups: string[];
  method: 'basic' | 'ldap' | 'apikey' | 'session' | 'bearer' | 'mtls' | 'oidc';
  claims?: Record<string, unknown>;
  /** Limits that come with the credential itself (API key scopes, bearer `access` claims). */
  credentialScopes?: CredentialScope[];
}

export interface ClientCertificateInfo {
  subject: Record<string, string>;
  /** Subject alternative names as Node prints them: `DNS:host`, `URI:spiffe://...`, `email:a@b`. */
  san?: string[];
  /** DER bytes; when present, DN and SANs are read from the certificate itself. */
  raw?: Uint8Array;
  authorized: boolean;
}

/** What the authentication function sees of a request. */
export interface RequestInfo {
  method: string;
  path: string;
  headers: Headers;
  clientIp: string;
  tls: { enabled: boolean; version?: string; clientCertificate?: ClientCertificateInfo };
}

export type AuthResult =
  | { kind: 'anonymous' }
  | { kind: 'identity'; identity: Identity }
  | { kind: 'rejected'; reason: string };

export type Authenticate = (request: RequestInfo) => Promise<AuthResult>;

export interface ChallengeRequest {
  /** Empty for registry-wide endpoints such as /v2/. */
  repository: string;
  action: Action;
  /** Set when a bearer token was valid but lacked the scope (RFC 6750 `error="insufficient_scope"`). */
  error?: 'insufficient_scope' | 'invalid_token';
}

export type Challenge = (request: ChallengeRequest) => string[];

export const ALL_ACTIONS: readonly Action[] = ['read', 'create', 'update', 'delete'];

// The functions oci-api needs from authentication and authorization, declared as types only.
// authz-cel, auth and auth-oidc satisfy these shapes structurally, without importing this package.

export type Action = 'read' | 'create' | 'update' | 'delete';

/** Who is calling, once authenticated. */
export interface Identity {
  username: string;
  /** Sorted, deduplicated group names (htpasswd groups from accessControl.groups, OIDC group claims, ...). */
  groups: string[];
  method: 'basic' | 'apikey' | 'session' | 'bearer' | 'mtls' | 'oidc';
  /** Identity-provider claims (OIDC, workload tokens): reach CEL policies as `req.claims`. */
  claims?: Record<string, unknown>;
  /**
   * Extra limits that come with the credential itself (API key scopes, bearer token `access` claims):
   * when present, a request must also be allowed by one of them.
   */
  credentialScopes?: Array<{ repositories: string[]; actions: Action[] }>;
}

/** What the authentication function sees of a request. */
export interface RequestInfo {
  method: string;
  /** Path without query string, as received. */
  path: string;
  headers: Headers;
  clientIp: string;
  tls: { enabled: boolean; version?: string; clientCertificate?: { subject: Record<string, string>; san?: string[]; raw?: Uint8Array; authorized: boolean } };
}

export type AuthResult =
  | { kind: 'anonymous' }
  | { kind: 'identity'; identity: Identity }
  /** Credentials were presented and are wrong, expired or revoked: 401, after failDelay. */
  | { kind: 'rejected'; reason: string };

export type Authenticate = (request: RequestInfo) => Promise<AuthResult>;

/** What the authorization function decides on. Mirrors zot's CEL `req` fields. */
export interface AccessRequest {
  action: Action;
  /** Empty for registry-wide endpoints such as /v2/_catalog. */
  repository: string;
  reference: string;
  referenceType: 'tag' | 'digest' | '';
  identity: Identity | undefined;
  method: string;
  userAgent: string;
  clientIp: string;
  /** X-Forwarded-For, split and trimmed; untrusted. */
  forwardedFor: string[];
  tls: { enabled: boolean; version: string };
  time: Date;
}

export type Decision = { allowed: true } | { allowed: false; reason?: string };

export type Authorize = (request: AccessRequest) => Decision | Promise<Decision>;

/** The WWW-Authenticate challenge(s) for a 401 on this request (Basic realm=..., Bearer realm=...,scope=...). */
export type Challenge = (request: { repository: string; action: Action }) => string[];

// The functions oci-api needs from authentication and authorization, declared as types only.
// authz-cel, auth and auth-oidc satisfy these shapes structurally, without importing this package.

export type Action = 'read' | 'create' | 'update' | 'delete';

/** Who is calling, once authenticated. */
export interface Identity {
  username: string;
  /** Sorted, deduplicated group names (htpasswd groups from accessControl.groups, OIDC group claims, ...). */
  groups: string[];
  method: 'basic' | 'ldap' | 'apikey' | 'session' | 'bearer' | 'mtls' | 'oidc';
  /** Identity-provider claims (OIDC, workload tokens): reach CEL policies as `req.claims`. */
  claims?: Record<string, unknown>;
  /**
   * Extra limits that come with the credential itself (API key scopes, bearer token `access` claims):
   * when present, a request must also be allowed by one of them.
   */
  credentialScopes?: Array<{ repositories: string[]; actions: Action[]; exact?: boolean }>;
}

/** What the authentication function sees of a request. */
export interface RequestInfo {
  method: string;
  /** Path without query string, as received. */
  path: string;
  headers: Headers;
  clientIp: string;
  tls: {
    enabled: boolean;
    version?: string;
    clientCertificate?: {
      subject: Record<string, string>;
      san?: string[];
      raw?: Uint8Array;
      authorized: boolean;
    };
  };
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

/**
 * `challenge: 'insufficient_scope'`: the credential is valid but its own scope (a bearer token's `access`)
 * lacks the request: answer 401 with `error="insufficient_scope"` so a token client fetches a wider token
 * (RFC 6750 section 3.1; Docker token authentication).
 */
export type Decision =
  | { allowed: true }
  | { allowed: false; reason?: string; challenge?: 'insufficient_scope' };

export type Authorize = (request: AccessRequest) => Decision | Promise<Decision>;

/**
 * zot's behaviour action `detectManifestCollision`: asked on a manifest DELETE already allowed (`request` is that
 * delete). True makes a DELETE by a digest that several tags share answer 409 MANIFEST_INVALID instead of
 * deleting them all.
 */
export type DetectsManifestCollision = (request: AccessRequest) => boolean | Promise<boolean>;

/** The WWW-Authenticate challenge(s) for a 401 on this request (Basic realm=..., Bearer realm=...,scope=...). */
export type Challenge = (request: {
  repository: string;
  action: Action;
  /** RFC 6750 error code for the challenge, when the denial came from a token's scope. */
  error?: 'insufficient_scope' | 'invalid_token';
}) => string[];

/**
 * Called once per request right after authentication (whatever the result): extra response headers, such as the
 * `Set-Cookie` of a new UI session after a basic login, or one clearing a dead session cookie.
 */
export type OnAuthenticated = (
  request: RequestInfo,
  result: AuthResult,
) => Promise<Array<[name: string, value: string]>> | Array<[name: string, value: string]>;

/** Of `names` (one catalog page's candidates), those the caller may see, in the same order. */
export type FilterRepositories = (
  identity: Identity | undefined,
  names: string[],
) => Promise<string[]> | string[];

/**
 * Per-user rate limits: called once per request right after it authenticated as `identity`. Undefined lets the
 * request go on; a refusal is answered 429 TOOMANYREQUESTS with its headers (Retry-After) and detail.
 */
export type AdmitIdentity = (
  identity: Identity,
  request: { method: string; path: string },
) => { headers: Record<string, string>; detail: unknown } | undefined;

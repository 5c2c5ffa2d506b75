// `http.auth`: every authentication method zot knows, plus the OIDC workload-identity bearer entries.

export interface HtpasswdConfig {
  path: string;
}

export interface LdapConfig {
  address: string;
  port?: number;
  insecure?: boolean;
  startTLS?: boolean;
  skipVerify?: boolean;
  subtreeSearch?: boolean;
  baseDN: string;
  userAttribute: string;
  userGroupAttribute?: string;
  userFilter?: string;
  /** A file holding {bindDN, bindPassword}; preferred over the two inline keys below (which zot ignores). */
  credentialsFile?: string;
  bindDN?: string;
  bindPassword?: string;
  caCert?: string;
}

/** A CEL expression and the message returned when it is false. */
export interface ConditionConfig {
  expression: string;
  message?: string;
}

export interface ClaimVariableConfig {
  name: string;
  expression: string;
}

export interface BearerClaimMappingConfig {
  variables?: ClaimVariableConfig[];
  validations?: ConditionConfig[];
  /** CEL expression (or claim name) giving the user name. */
  username?: string;
  /** CEL expression (or claim name) giving the group list. */
  groups?: string;
}

/** One trusted OIDC issuer whose ID tokens are accepted as bearer tokens (workload identity). */
export interface BearerOidcConfig {
  issuer: string;
  audiences: string[];
  claimMapping?: BearerClaimMappingConfig;
}

export interface BearerConfig {
  realm?: string;
  service?: string;
  /** The certificate whose key signs tokens issued by the external token service. */
  cert?: string;
  oidc?: BearerOidcConfig[];
}

export interface OpenIdClaimMappingConfig {
  username?: string;
  groups?: string;
}

export interface OpenIdProviderConfig {
  name?: string;
  clientid?: string;
  clientsecret?: string;
  credentialsFile?: string;
  keypath?: string;
  issuer?: string;
  /** github: GitHub Enterprise Server's authorization endpoint; used only together with `tokenurl`. */
  authurl?: string;
  /** github: GitHub Enterprise Server's token endpoint; used only together with `authurl`. */
  tokenurl?: string;
  scopes?: string[];
  claimMapping?: OpenIdClaimMappingConfig;
}

export interface OpenIdConfig {
  providers: Record<string, OpenIdProviderConfig>;
  callbackAllowOrigins?: string[];
}

export type MtlsIdentityAttribute = string;

export interface MtlsConfig {
  identityAttributes?: MtlsIdentityAttribute[];
  uriSanPattern?: string;
  uriSanIndex?: number;
  dnsSanIndex?: number;
  emailSanIndex?: number;
}

export interface AuthConfig {
  /** Seconds to wait before answering a failed login. */
  failDelay: number;
  htpasswd?: HtpasswdConfig;
  ldap?: LdapConfig;
  bearer?: BearerConfig;
  openid?: OpenIdConfig;
  /** API keys; zot turns them on whenever openid is configured. */
  apikey?: boolean;
  mtls?: MtlsConfig;
  sessionKeysFile?: string;
  sessionDriver?: { name: 'local' | 'redis'; [parameter: string]: unknown };
  secureSession?: boolean;
}

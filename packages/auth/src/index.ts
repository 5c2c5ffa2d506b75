// Public API of @zot-ts/auth: what is not exported here is internal.

export type { ApiKeyHandler, ApiKeyHandlers } from './api-key-handlers.js';
export { createApiKeyHandlers, toZotApiKeyDetails } from './api-key-handlers.js';
export type {
  ApiKeyCheck,
  ApiKeyInfo,
  ApiKeyService,
  ApiKeyServiceOptions,
  CreateApiKeyInput,
} from './api-keys.js';
export { API_KEY_PREFIX, createApiKeyService, hashApiKeySecret } from './api-keys.js';
export type { Authenticator, AuthenticatorOptions, TokenVerifier } from './authenticator.js';
export { createAuthenticator } from './authenticator.js';
export type { ParsedAuthorization } from './authorization-header.js';
export { parseAuthorization } from './authorization-header.js';
export type { BearerCheck, BearerOptions, BearerVerifier } from './bearer.js';
export {
  accessGrantsCatalog,
  accessToScopes,
  createBearerVerifier,
  loadBearerKey,
  publicKeyFromPem,
} from './bearer.js';
export { isDockerClient } from './docker-client.js';
export type { StaticGroups } from './groups.js';
export { groupsOf } from './groups.js';
export type { Htpasswd, HtpasswdOptions } from './htpasswd.js';
export { loadHtpasswd, parseHtpasswd } from './htpasswd.js';
export type { JwtFailure, JwtVerifyOptions } from './jwt.js';
export { JwtError, verifyJwt } from './jwt.js';
export type { LdapAuthenticator, LdapAuthenticatorOptions, LdapCheck } from './ldap.js';
export { createLdapAuthenticator } from './ldap.js';
export type { LdapCredentials } from './ldap-credentials.js';
export { LdapCredentialsError, readLdapCredentials } from './ldap-credentials.js';
export { escapeFilterValue, userSearchFilter } from './ldap-filter.js';
export type { LdapDirectoryOptions, LdapLoginResult } from './ldap-login.js';
export { ldapLogin } from './ldap-login.js';
export type { MgmtInfo, MgmtInfoInput } from './mgmt.js';
export { buildMgmtInfo } from './mgmt.js';
export type { MtlsIdentityResolver, MtlsOptions } from './mtls.js';
export { createMtlsIdentityResolver, MtlsConfigError } from './mtls.js';
export type { PasswordCheck, PasswordVerifier, PasswordVerifierOptions } from './password-verifier.js';
export { createPasswordVerifier } from './password-verifier.js';
export { matchRepositoryGlob, parseApiKeyScopes, ScopeSyntaxError, scopesAllow } from './scopes.js';
export type { SessionKeys } from './session-keys.js';
export { loadSessionKeysFile, randomSessionKeys, SessionKeysError } from './session-keys.js';
export type {
  CurrentSession,
  SessionLogin,
  SessionLookup,
  SessionService,
  SessionServiceOptions,
} from './sessions.js';
export { CLIENT_HEADER, CLIENT_HEADER_VALUE, createSessionService, SESSION_COOKIE } from './sessions.js';
export type {
  Action,
  Authenticate,
  AuthResult,
  Challenge,
  ChallengeRequest,
  ClientCertificateInfo,
  CredentialScope,
  Identity,
  RequestInfo,
} from './types.js';
export { ALL_ACTIONS } from './types.js';

// Public API of @zot-ts/auth-oidc: what is not exported here is internal.

export { createCallbackTargetPolicy, safeCallbackTarget } from './callback-target.js';
export type { ClaimMappingInput, MappedUser, StaticGroups } from './claim-mapping.js';
export { mapOidcClaims } from './claim-mapping.js';
export type { EndSessionInput } from './end-session.js';
export { buildEndSessionUrl } from './end-session.js';
export type { OidcConfigErrorCode, OidcFlowErrorCode } from './errors.js';
export { flowErrorStatus, OidcConfigError, OidcFlowError } from './errors.js';
export type { Logger, Now, OidcIdentity, SessionPort, UserPort } from './ports.js';
export type { OidcProviderConfig } from './provider-config.js';
export { redirectUriFor } from './redirect-uri.js';
export type { OidcRelyingParty, OidcRelyingPartyOptions, WebHandler } from './relying-party.js';
export { createOidcRelyingParty } from './relying-party.js';
export type {
  CelClaimMappingConfig,
  ClaimMappingResult,
  CompiledClaimMapping,
} from './workload/cel-claim-mapping.js';
export { compileClaimMapping, defaultUsernameExpression } from './workload/cel-claim-mapping.js';
export type {
  WorkloadIssuerConfig,
  WorkloadTokenVerifier,
  WorkloadTokenVerifierOptions,
  WorkloadVerification,
} from './workload/token-verifier.js';
export { createWorkloadTokenVerifier } from './workload/token-verifier.js';

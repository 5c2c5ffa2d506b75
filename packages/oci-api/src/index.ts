// Public API of @zot-ts/oci-api: what is not exported here is internal.

export type { AccessTarget } from './access.js';
export { accessRequestOf, requestInfoOf } from './access.js';
export type {
  BeforeRead,
  BlobInFlight,
  CheckManifest,
  ExtensionDescriptor,
  ManifestPush,
  ManifestServedEarly,
  NodeBindings,
  OciApiEnv,
  OciApiEvent,
  OciApiLimits,
  OciApiLogger,
  OciApiObserver,
  OciApiOptions,
  OciApiVariables,
} from './api-types.js';
export { createOciApi, defaultLimits } from './create-oci-api.js';
export type { ErrorBody } from './error-status.js';
export { describeError, errorBody, OciHttpError, ociErrorStatus } from './error-status.js';
export type {
  AccessRequest,
  Action,
  AdmitIdentity,
  Authenticate,
  Authorize,
  AuthResult,
  Challenge,
  Decision,
  DetectsManifestCollision,
  FilterRepositories,
  Identity,
  OnAuthenticated,
  RequestInfo,
} from './ports.js';
export type { RangeRequest } from './range.js';
export { coalesce, maxRangesPerRequest, parseRangeHeader, parseUploadContentRange } from './range.js';
export type { ApiRoute, ApiRouteKind } from './route-path.js';
export { parseApiPath } from './route-path.js';

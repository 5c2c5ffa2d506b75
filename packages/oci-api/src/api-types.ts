// Options of createOciApi and the typed Hono Env its handlers share with the app that mounts it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  AdmitIdentity,
  Authenticate,
  Authorize,
  Challenge,
  DetectsManifestCollision,
  FilterRepositories,
  Identity,
  OnAuthenticated,
} from './ports.js';
import type { ApiRouteKind } from './route-path.js';
import type { Store, StoreActor } from './store-contract.js';

export interface OciApiLimits {
  /** Largest manifest body accepted; larger gets 413 SIZE_TOO_LARGE. Default 4 MiB (distribution-spec SHOULD accept 4 MiB). */
  maxManifestBytes?: number;
  /** Most `?tag=` parameters on one manifest PUT. Default 100. */
  maxTagsPerPush?: number;
  /** Largest `n` honoured on tags/list and _catalog; larger values are clamped. Default 10000. */
  maxPageSize?: number;
}

/** What oci-api reports, for metrics (zot_http_*, zot_repo_downloads_total). Called after each response. */
export type OciApiEvent =
  | {
      type: 'request';
      method: string;
      route: ApiRouteKind | 'unknown';
      repository: string;
      status: number;
      durationMs: number;
    }
  | { type: 'manifestDownloaded'; repository: string; reference: string; digest: string };

export type OciApiObserver = (event: OciApiEvent) => void;

export interface OciApiLogger {
  /** An unexpected error behind a 500; the body the client sees carries none of it. */
  error(message: string, fields: Record<string, unknown>): void;
}

/** An entry of GET /v2/_oci/ext/discover (distribution-spec extensions/_oci.md). */
export interface ExtensionDescriptor {
  name: string;
  url: string;
  description?: string;
  endpoints: string[];
}

/** A manifest push as the API received it, before the store takes it (for checks such as zot's lint). */
export interface ManifestPush {
  repository: string;
  /** The tag or digest of the URL. */
  reference: string;
  /** Every tag the push would set: the URL's tag (if it is one) and each `?tag=`. */
  tags: string[];
  /** The Content-Type (else the body's mediaType). */
  mediaType: string;
  content: Uint8Array;
  /** Who pushes (the authenticated user, the client's address). */
  actor: StoreActor;
}

/** Throws an OciError (MANIFEST_INVALID, ...) to refuse the push; resolves to let it through. */
export type CheckManifest = (push: ManifestPush) => Promise<void>;

/**
 * Runs before a manifest GET/HEAD or a referrers GET is answered, once access is granted (sync on demand:
 * fetch a missing image from an upstream first). It must not throw for an image it cannot fetch: the store
 * then answers as it would have.
 */
/** A manifest a hook serves before the store holds it (an on-demand copy still running): served as it is. */
export interface ManifestServedEarly {
  digest: string;
  mediaType: string;
  content: Uint8Array;
}

export type BeforeRead = (read: {
  kind: 'manifest' | 'referrers';
  repository: string;
  reference: string;
  artifactType?: string;
}) => Promise<ManifestServedEarly | undefined>;

/** A blob the store does not hold yet but is receiving (an on-demand copy): its size and its bytes as they come. */
export type BlobInFlight = (read: {
  repository: string;
  digest: string;
}) => { size: number; open(): AsyncIterable<Uint8Array> } | undefined;

export interface OciApiOptions {
  store: Store;
  /** Absent: every request is anonymous. */
  authenticate?: Authenticate;
  /** Absent: everything is allowed. */
  authorize?: Authorize;
  /** zot's detectManifestCollision for this caller and repository. Absent: never (zot without access control). */
  detectsManifestCollision?: DetectsManifestCollision;
  /** WWW-Authenticate values for a 401. Absent: `Basic realm="zot"`. */
  challenge?: Challenge;
  /** Extra response headers once a request is authenticated (session cookies). */
  onAuthenticated?: OnAuthenticated;
  /** Per-user rate limits, asked once a request authenticated. Absent: no per-user limit. */
  admitIdentity?: AdmitIdentity;
  /**
   * Which repositories of a /v2/_catalog page the caller may see. Absent: each is asked of `authorize` as a
   * `read` without a reference.
   */
  filterRepositories?: FilterRepositories;
  /** The clock for AccessRequest.time (time-window policies). Default: `() => new Date()`. */
  now?: () => Date;
  limits?: OciApiLimits;
  observer?: OciApiObserver;
  logger?: OciApiLogger;
  extensions?: ExtensionDescriptor[];
  /** Runs on every manifest PUT once the body is read and access granted, before the store (zot's lint). */
  checkManifest?: CheckManifest;
  /** Runs before a manifest or referrers read, once access is granted (sync on demand). */
  beforeRead?: BeforeRead;
  /** Asked when a blob read finds no blob in the store (sync on demand streams one it is still copying). */
  blobInFlight?: BlobInFlight;
}

/** The Node request/response under @hono/node-server; absent under app.request() in tests. */
export interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

export interface OciApiVariables {
  /** Set once the request is authenticated; read by the request log and audit log. */
  identity: Identity | undefined;
  /** The repository the request addresses, '' for registry-wide routes. */
  repository: string;
  /** Bytes of a body this API wrote itself to the Node response (RESPONSE_ALREADY_SENT); for the request log. */
  responseBytes: number;
  /** Status of a response this API wrote itself; for the request log. */
  responseStatus: number;
  /** True once this API reported the request to its observer (so a middleware does not count it again). */
  observedByApi: boolean;
}

export interface OciApiEnv {
  Bindings: NodeBindings;
  Variables: OciApiVariables;
}

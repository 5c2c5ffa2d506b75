// Authentication and authorization of one request against the ports (ports.ts). Every route declares its Action;
// the dispatcher calls checkAccess before the handler touches the store.
import type { TLSSocket } from 'node:tls';
import type { Context } from 'hono';
import type { OciApiEnv, OciApiOptions } from './api-types.js';
import { OciHttpError } from './error-status.js';
import type { AccessRequest, Action, Identity, RequestInfo } from './ports.js';
import { OciError, ociErrorMessages } from './store-contract.js';

export interface AccessTarget {
  action: Action;
  repository: string;
  reference?: string;
  referenceType?: AccessRequest['referenceType'];
}

/** Raised for 401 answers: the dispatcher adds the WWW-Authenticate challenges. */
export class ChallengeError extends OciError {
  readonly challengeFor: { repository: string; action: Action; error?: 'insufficient_scope' };
  constructor(target: { repository: string; action: Action }, detail: unknown, error?: 'insufficient_scope') {
    super('UNAUTHORIZED', { detail });
    this.challengeFor =
      error === undefined
        ? { repository: target.repository, action: target.action }
        : { repository: target.repository, action: target.action, error };
  }
}

export function clientIpOf(c: Context<OciApiEnv>): string {
  return c.env?.incoming?.socket?.remoteAddress ?? '';
}

function tlsOf(c: Context<OciApiEnv>): RequestInfo['tls'] {
  const socket = c.env?.incoming?.socket as TLSSocket | undefined;
  if (socket === undefined || socket.encrypted !== true) return { enabled: false };
  const version = socket.getProtocol?.() ?? undefined;
  const peer = socket.getPeerCertificate?.(false);
  const tls: RequestInfo['tls'] =
    version === undefined || version === null ? { enabled: true } : { enabled: true, version };
  if (peer !== undefined && peer !== null && Object.keys(peer).length > 0) {
    const subject: Record<string, string> = {};
    for (const [key, value] of Object.entries(peer.subject ?? {}))
      subject[key] = Array.isArray(value) ? value.join(',') : String(value);
    tls.clientCertificate = { subject, raw: new Uint8Array(peer.raw), authorized: socket.authorized };
    if (peer.subjectaltname !== undefined) tls.clientCertificate.san = peer.subjectaltname.split(', ');
  }
  return tls;
}

/** What the Authenticate port sees of a request: also used by extension routes (API keys, logout) to authenticate. */
export function requestInfoOf(c: Context<OciApiEnv>): RequestInfo {
  return {
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    headers: c.req.raw.headers,
    clientIp: clientIpOf(c),
    tls: tlsOf(c),
  };
}

/** Runs authenticate once per request (cached on the context) and stores the identity for the logs. */
async function identify(
  c: Context<OciApiEnv>,
  options: OciApiOptions,
  target: AccessTarget,
): Promise<Identity | undefined> {
  if (options.authenticate === undefined) return undefined;
  const requestInfo = requestInfoOf(c);
  const result = await options.authenticate(requestInfo);
  if (options.onAuthenticated !== undefined) {
    for (const [name, value] of await options.onAuthenticated(requestInfo, result))
      c.header(name, value, { append: true });
  }
  if (result.kind === 'rejected') throw new ChallengeError(target, { reason: result.reason });
  const identity = result.kind === 'identity' ? result.identity : undefined;
  c.set('identity', identity);
  if (identity !== undefined && options.admitIdentity !== undefined) {
    const refusal = options.admitIdentity(identity, { method: requestInfo.method, path: requestInfo.path });
    if (refusal !== undefined)
      throw new OciHttpError('TOOMANYREQUESTS', { headers: refusal.headers, detail: refusal.detail });
  }
  return identity;
}

function accessRequest(
  c: Context<OciApiEnv>,
  options: Pick<OciApiOptions, 'now'>,
  target: AccessTarget,
  identity: Identity | undefined,
): AccessRequest {
  const tls = tlsOf(c);
  const forwarded = c.req.header('x-forwarded-for');
  return {
    action: target.action,
    repository: target.repository,
    reference: target.reference ?? '',
    referenceType: target.referenceType ?? '',
    identity,
    method: c.req.method,
    userAgent: c.req.header('user-agent') ?? '',
    clientIp: clientIpOf(c),
    forwardedFor:
      forwarded === undefined
        ? []
        : forwarded
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== ''),
    tls: { enabled: tls.enabled, version: tls.version ?? '' },
    time: options.now?.() ?? new Date(),
  };
}

/**
 * The full AccessRequest of this HTTP request (client address, TLS, user agent, time), for extension routes that
 * decide per repository as the distribution-spec routes do (the signatures endpoint), not with the listing check.
 */
export function accessRequestOf(
  c: Context<OciApiEnv>,
  target: AccessTarget,
  identity: Identity | undefined,
  now?: () => Date,
): AccessRequest {
  return accessRequest(c, now === undefined ? {} : { now }, target, identity);
}

/**
 * Authenticates (once) and authorizes `target`. Denied: anonymous callers get 401 with a challenge so clients
 * retry with credentials; authenticated ones get 403 DENIED with the policy's reason.
 */
export async function checkAccess(
  c: Context<OciApiEnv>,
  options: OciApiOptions,
  target: AccessTarget,
  authenticated: { done: boolean; identity: Identity | undefined },
): Promise<Identity | undefined> {
  if (!authenticated.done) {
    authenticated.identity = await identify(c, options, target);
    authenticated.done = true;
  }
  const identity = authenticated.identity;
  if (options.authorize === undefined) return identity;
  const decision = await options.authorize(accessRequest(c, options, target, identity));
  if (decision.allowed) return identity;
  const reason = decision.reason ?? 'not allowed';
  if (identity === undefined) throw new ChallengeError(target, { reason });
  if (decision.challenge === 'insufficient_scope')
    throw new ChallengeError(target, { reason }, 'insufficient_scope');
  // skopeo and podman print `message` only: the policy's reason goes there too (detail.reason stays for tools)
  throw new OciError('DENIED', {
    detail: { reason },
    ...(decision.reason === undefined ? {} : { message: `${ociErrorMessages.DENIED}: ${decision.reason}` }),
  });
}

/** zot's detectManifestCollision for `target` (an allowed delete); false without the port, as zot without authz. */
export async function detectsManifestCollision(
  c: Context<OciApiEnv>,
  options: OciApiOptions,
  target: AccessTarget,
  identity: Identity | undefined,
): Promise<boolean> {
  if (options.detectsManifestCollision === undefined) return false;
  return options.detectsManifestCollision(accessRequest(c, options, target, identity));
}

/** Asks authorize without throwing: used to filter the catalog and to decide whether a mount source is readable. */
export async function isAllowed(
  c: Context<OciApiEnv>,
  options: OciApiOptions,
  target: AccessTarget,
  identity: Identity | undefined,
): Promise<boolean> {
  if (options.authorize === undefined) return true;
  return (await options.authorize(accessRequest(c, options, target, identity))).allowed;
}

// Builders for test requests: a full request with sensible defaults, overridable field by field.
import type { AccessRequest, PolicyAction, RequestIdentity } from '../src/index.js';

export const MONDAY_10_BERLIN = new Date('2026-01-05T09:00:00Z'); // Monday 10:00 CET
export const SATURDAY_10_BERLIN = new Date('2026-01-10T09:00:00Z');

export function user(
  username: string,
  groups: string[] = [],
  claims?: Record<string, unknown>,
): RequestIdentity {
  return claims === undefined ? { username, groups } : { username, groups, claims };
}

export function request(
  action: PolicyAction,
  repository: string,
  identity: RequestIdentity | undefined,
  extra: Partial<AccessRequest> = {},
): AccessRequest {
  return {
    action,
    repository,
    identity,
    reference: 'v1',
    referenceType: 'tag',
    method: action === 'read' ? 'GET' : action === 'delete' ? 'DELETE' : 'PUT',
    userAgent: 'containers/5.0',
    clientIp: '10.0.0.5',
    forwardedFor: [],
    tls: { enabled: false, version: '' },
    time: MONDAY_10_BERLIN,
    ...extra,
  };
}

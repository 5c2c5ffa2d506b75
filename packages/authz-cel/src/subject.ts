// Who the caller is for policy purposes, and the `req` value conditions see. Groups are the
// identity's own (OIDC, LDAP) merged with the static `accessControl.groups` that list the user, as
// zot merges them; an empty username is anonymous, as in zot (`username == ""`).

import { CelAuth, CelClient, CelRequest, CelTls, CelUser } from './cel-environment.js';
import type { CompiledAccessControl } from './compile.js';
import type { AccessRequest } from './types.js';

export interface Subject {
  readonly username: string;
  readonly groups: readonly string[];
  readonly anonymous: boolean;
  readonly admin: boolean;
}

const EMPTY: readonly string[] = Object.freeze([]);
const NO_CLAIMS: Readonly<Record<string, unknown>> = Object.freeze({});

export function resolveSubject(
  compiled: CompiledAccessControl,
  identity: AccessRequest['identity'],
): Subject {
  if (identity === undefined || identity.username === '')
    return { username: '', groups: EMPTY, anonymous: true, admin: false };
  const staticGroups = compiled.staticGroupsByUser.get(identity.username);
  let groups = identity.groups;
  if (staticGroups?.some((group) => !identity.groups.includes(group))) {
    groups = [...new Set([...identity.groups, ...staticGroups])].sort();
  }
  const admin =
    compiled.admin.users.has(identity.username) || groups.some((group) => compiled.admin.groups.has(group));
  return { username: identity.username, groups, anonymous: false, admin };
}

export function buildCelRequest(request: AccessRequest, subject: Subject, now: () => Date): CelRequest {
  const reference = request.reference ?? '';
  const referenceType = request.referenceType ?? '';
  return new CelRequest({
    time: request.time ?? now(),
    method: request.method ?? '',
    userAgent: request.userAgent ?? '',
    action: request.action,
    repository: request.repository,
    reference,
    referenceType,
    tag: referenceType === 'tag' ? reference : '',
    digest: referenceType === 'digest' ? reference : '',
    user: new CelUser(subject.username, subject.groups),
    auth: new CelAuth(subject.anonymous, subject.admin),
    client: new CelClient(request.clientIp ?? '', request.forwardedFor ?? EMPTY),
    tls: new CelTls(request.tls?.enabled ?? false, request.tls?.version ?? ''),
    claims: request.identity?.claims ?? NO_CLAIMS,
  });
}

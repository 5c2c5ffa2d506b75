// `request`: the second CEL view of the request, in the vocabulary of the zot v2.1.17 release announcement
// (`request.identity.groups.exists(g, g == request.repository.prefix)`). It holds the same facts as `req`,
// named as the announcement names them; a policy entry's `condition` may use either.
//
//   request.identity.username    "" for an anonymous caller
//   request.identity.groups      the identity's groups merged with accessControl.groups (as req.user.groups)
//   request.repository.name      "team-a/app"
//   request.repository.prefix    the first path segment: "team-a"
//   request.action               "pull" (read), "push" (create or update), "delete", "detectManifestCollision"
//   request.reference            the tag or digest, "" when the route has none

import type { PolicyAction } from './types.js';

export class CelIdentity {
  constructor(
    readonly username: string,
    readonly groups: readonly string[],
  ) {}
}

export class CelRepository {
  constructor(
    readonly name: string,
    readonly prefix: string,
  ) {}
}

export class CelRequestView {
  constructor(
    readonly identity: CelIdentity,
    readonly repository: CelRepository,
    readonly action: string,
    readonly reference: string,
  ) {}
}

/** The announcement's word for one of zot's actions. */
export function announcementAction(action: PolicyAction): string {
  if (action === 'read') return 'pull';
  if (action === 'create' || action === 'update') return 'push';
  return action;
}

/** The zot actions an announcement word (or a zot word, kept as it is) grants. */
export function zotActionsOf(word: string): readonly string[] {
  if (word === 'pull') return ['read'];
  if (word === 'push') return ['create', 'update'];
  return [word];
}

export function buildRequestView(input: {
  username: string;
  groups: readonly string[];
  repository: string;
  action: PolicyAction;
  reference: string;
}): CelRequestView {
  const prefix = input.repository.split('/')[0] ?? '';
  return new CelRequestView(
    new CelIdentity(input.username, input.groups),
    new CelRepository(input.repository, prefix),
    announcementAction(input.action),
    input.reference,
  );
}

/** `request.<field>` read by a condition, as the `req` field that holds the same fact (catalog filtering). */
export const REQ_FIELD_OF_VIEW: Readonly<Record<string, string>> = {
  identity: 'user',
  repository: 'repository',
  action: 'action',
  reference: 'reference',
};

// `http.accessControl`: who may do what on which repositories (zot AccessControlConfig), plus CEL
// conditions. Conditions exist only on policies[] entries and adminPolicy: defaultPolicy and
// anonymousPolicy are plain action lists, as in zot.

import type { SchemaNode } from './builders.js';
import { arrayOf, mapOf, nonEmpty, object, str, strings } from './builders.js';

export const ACTIONS = ['read', 'create', 'update', 'delete', 'detectManifestCollision'] as const;

const actionList = (description: string): SchemaNode =>
  arrayOf(description, { type: 'string', enum: [...ACTIONS] }, { default: [] });

export const condition: SchemaNode = object(
  'A CEL expression that must be true for the policy to grant its actions.',
  {
    expression: nonEmpty('CEL expression over the request (identity, repository, action, ...).'),
    message: str('Text returned to the client when the condition is false.'),
  },
  { required: ['expression'] },
);

/** The words of the v2.1.17 release announcement: `pull` is read, `push` is create + update. */
export const ANNOUNCEMENT_ACTIONS = ['pull', 'push'] as const;

// Two shapes share one entry: zot's (users, groups, actions, conditions[].expression over `req`) and the
// release announcement's ({name, condition, actions: ["push", "pull"]}, one expression over `request`).
// An entry naming no users and no groups applies, when its condition holds, to every authenticated caller.
const zotPolicyFields = {
  users: strings('User names this policy applies to.', { default: [] }),
  groups: strings('Group names this policy applies to.', { default: [] }),
  actions: actionList('Actions granted.'),
  conditions: arrayOf('CEL conditions; all must hold.', { $ref: '#/$defs/condition' }, { default: [] }),
};

export const policy: SchemaNode = object('Grants actions to users and groups, under optional conditions.', {
  name: str('A name for this policy, shown by `zot policy explain` and in the reason of a 403.'),
  ...zotPolicyFields,
  actions: arrayOf(
    "Actions granted: zot's (read, create, update, delete) or the announcement's (pull = read, push = create + update).",
    { type: 'string', enum: [...ACTIONS, ...ANNOUNCEMENT_ACTIONS] },
    { default: [] },
  ),
  condition: nonEmpty(
    'One CEL expression over `request` (request.identity.username/groups, request.repository.name/prefix, request.action, request.reference) that must be true.',
  ),
});

/** adminPolicy keeps zot's shape only: the announcement's shape is for repository policies. */
const adminPolicy: SchemaNode = object('Rules that apply to every repository.', zotPolicyFields);

const repositoryPolicies = object('Access rules for the repositories matching the glob in the key.', {
  policies: arrayOf('Per-user and per-group rules.', { $ref: '#/$defs/policy' }, { default: [] }),
  defaultPolicy: actionList('Actions for authenticated users no policy names.'),
  anonymousPolicy: actionList('Actions for unauthenticated requests.'),
});

export const accessControlSchema: SchemaNode = object('Authorization: who may do what.', {
  groups: mapOf(
    'Named groups of users, referenced from policies.',
    object('One group.', { users: strings('Members of the group.', { default: [] }) }),
    { default: {} },
  ),
  repositories: mapOf(
    'Access rules keyed by doublestar repository glob ("**", "prod/**").',
    repositoryPolicies,
    {
      default: {},
    },
  ),
  adminPolicy,
  metrics: object('Who may read the metrics endpoint.', {
    users: strings('Users allowed to read /metrics.', { default: [] }),
  }),
});

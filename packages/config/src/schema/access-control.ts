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

export const policy: SchemaNode = object('Grants actions to users and groups, under optional conditions.', {
  users: strings('User names this policy applies to.', { default: [] }),
  groups: strings('Group names this policy applies to.', { default: [] }),
  actions: actionList('Actions granted.'),
  conditions: arrayOf('CEL conditions; all must hold.', { $ref: '#/$defs/condition' }, { default: [] }),
});

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
  adminPolicy: { $ref: '#/$defs/policy', description: 'Rules that apply to every repository.' },
  metrics: object('Who may read the metrics endpoint.', {
    users: strings('Users allowed to read /metrics.', { default: [] }),
  }),
});

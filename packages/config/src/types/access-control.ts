// `http.accessControl` (zot pkg/api/config: AccessControlConfig), with CEL conditions on policies.
import type { ConditionConfig } from './auth.js';

export type Action = 'read' | 'create' | 'update' | 'delete' | 'detectManifestCollision';

/** The v2.1.17 release announcement's action words: `pull` = read, `push` = create + update. */
export type AnnouncementAction = 'pull' | 'push';

export interface PolicyConfig {
  /** Shown by `zot policy explain` and in the reason of a 403. */
  name?: string;
  users: string[];
  groups: string[];
  actions: Array<Action | AnnouncementAction>;
  /** One CEL expression over `request` (the release announcement's shape). */
  condition?: string;
  /** CEL conditions over `req`, all of which must hold; compiled by the registry, not here. */
  conditions: ConditionConfig[];
}

export interface RepositoryPolicyConfig {
  policies: PolicyConfig[];
  /** Actions for any authenticated user not matched by a policy. */
  defaultPolicy: Action[];
  /** Actions for unauthenticated requests. */
  anonymousPolicy: Action[];
}

export interface GroupConfig {
  users: string[];
}

export interface AccessControlConfig {
  groups: Record<string, GroupConfig>;
  /** Keys are doublestar globs of repository names ("**", "prod/**"). */
  repositories: Record<string, RepositoryPolicyConfig>;
  adminPolicy?: PolicyConfig;
  metrics?: { users: string[] };
}

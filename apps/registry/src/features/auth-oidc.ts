// OpenID Connect (issue 7): the seam where http.auth.openid (browser logins) and http.auth.bearer.oidc (workload
// tokens) are composed. features/auth.ts calls composeOidc before it builds the authenticator, so what this
// returns is plugged in as it is:
//   - tokenVerifiers: extra `Authorization: Bearer` verifiers (createWorkloadTokenVerifier from
//     @zot-ts/auth-oidc satisfies TokenVerifier), tried after the static bearer key;
//   - extend: the login/callback routes (mounted with the other auth routes, before the distribution-spec API);
//   - providers: provider key -> display name, for GET /v2/_zot/ext/mgmt;
//   - close: released on shutdown.
// OIDC logins open sessions through `parts.sessions` (the same cookie the authenticator reads), and may record
// users and their groups in `parts.metaStore.users` so that API keys made later carry the same groups.
import type { ApiKeyService, SessionService, TokenVerifier } from '@zot-ts/auth';
import type { MetaStore } from '@zot-ts/metastore';
import type { OciApiEnv } from '@zot-ts/oci-api';
import type { Hono } from 'hono';
import type { Logger } from '../log-sink.js';
import type { FeatureContext } from './feature.js';

export interface OidcParts {
  /** Present whenever htpasswd, openid or API keys are configured. */
  sessions: SessionService | undefined;
  apiKeys: ApiKeyService | undefined;
  metaStore: MetaStore;
  logger: Logger;
  now: () => Date;
  /** `http.accessControl.groups`, merged into OIDC users' groups by the policies anyway. */
  staticGroups: Record<string, { users?: string[] }>;
}

export interface OidcComposition {
  tokenVerifiers?: TokenVerifier[];
  extend?: (app: Hono<OciApiEnv>) => void;
  providers?: Record<string, { name?: string }>;
  close?: () => Promise<void>;
}

/** Placeholder until issue 7 lands: no OIDC parts yet. */
export async function composeOidc(
  _context: FeatureContext,
  _parts: OidcParts,
): Promise<OidcComposition | undefined> {
  return undefined;
}

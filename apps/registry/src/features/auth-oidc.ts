// OpenID Connect (issue 7): the seam where http.auth.openid (browser logins) and http.auth.bearer.oidc (workload
// tokens) are composed. features/auth.ts calls composeOidc before it builds the authenticator, so what this
// returns is plugged in as it is:
//   - tokenVerifiers: extra `Authorization: Bearer` verifiers (oidc-workload.ts), tried after the static bearer key;
//   - extend: the login/callback/logout routes (oidc-routes.ts), mounted before the other auth routes so that the
//     OIDC-aware logout answers;
//   - providers: provider key -> display name, for GET /v2/_zot/ext/mgmt;
//   - close: released on shutdown.
// OIDC logins open sessions through `parts.sessions` (the same cookie the authenticator reads) and record users
// and their groups in `parts.metaStore.users`, so that API keys made later carry the same groups.
import { hkdfSync } from 'node:crypto';
import {
  type ApiKeyService,
  loadSessionKeysFile,
  type SessionService,
  type TokenVerifier,
} from '@zot-ts/auth';
import { createOidcRelyingParty } from '@zot-ts/auth-oidc';
import type { ZotConfig } from '@zot-ts/config';
import type { MetaStore } from '@zot-ts/metastore';
import type { OciApiEnv } from '@zot-ts/oci-api';
import type { Hono } from 'hono';
import type { Logger } from '../log-sink.js';
import type { FeatureContext } from './feature.js';
import { checkOidcDiscovery } from './oidc-discovery-check.js';
import { mountOidcRoutes } from './oidc-routes.js';
import { oidcSessionPort, oidcUserPort } from './oidc-sessions.js';
import { workloadTokenVerifierOf } from './oidc-workload.js';

export interface OidcParts {
  /** Present whenever htpasswd, openid or API keys are configured. */
  sessions: SessionService | undefined;
  apiKeys: ApiKeyService | undefined;
  metaStore: MetaStore;
  logger: Logger;
  now: () => Date;
  /** `http.accessControl.groups`, merged into OIDC users' groups at login. */
  staticGroups: Record<string, { users?: string[] }>;
}

export interface OidcComposition {
  tokenVerifiers?: TokenVerifier[];
  extend?: (app: Hono<OciApiEnv>) => void;
  providers?: Record<string, { name?: string }>;
  close?: () => Promise<void>;
}

/** Throws OidcConfigError (with the config path) for a provider or claim mapping that cannot work. */
export async function composeOidc(
  context: FeatureContext,
  parts: OidcParts,
): Promise<OidcComposition | undefined> {
  const { config } = context;
  const auth = config.http.auth;
  const composition: OidcComposition = {};

  const workloadIssuers = auth?.bearer?.oidc ?? [];
  if (workloadIssuers.length > 0) {
    composition.tokenVerifiers = [
      workloadTokenVerifierOf(workloadIssuers, {
        ...parts,
        // zot's bearer section names the realm and service of its challenge; http.realm otherwise
        realm: auth?.bearer?.realm || config.http.realm || 'zot',
        service: auth?.bearer?.service,
      }),
    ];
  }

  const openid = auth?.openid;
  if (openid !== undefined && Object.keys(openid.providers).length > 0) {
    const { sessions } = parts;
    // loadAuthMethods opens the session service whenever openid is configured
    if (sessions === undefined) throw new Error('http.auth.openid needs the session service');
    const externalUrl = config.http.externalUrl;
    // behind a TLS-terminating proxy, an https externalUrl is what tells us browsers reach us over TLS
    const tlsEnabled = config.http.tls?.cert !== undefined || externalUrl?.startsWith('https:') === true;
    const issuers = Object.values(openid.providers).map((provider) => provider.issuer ?? '');
    const relyingParty = createOidcRelyingParty({
      providers: openid.providers,
      externalUrl,
      callbackAllowOrigins: openid.callbackAllowOrigins,
      sessions: oidcSessionPort({ sessions, tlsEnabled }),
      users: oidcUserPort(parts.metaStore.users, parts.now),
      staticGroups: parts.staticGroups,
      // a plain-http issuer is the operator's explicit choice (a local Dex, tests)
      allowInsecureRequests: issuers.some((issuer) => issuer.startsWith('http:')),
      secureCookies: auth?.secureSession === true || tlsEnabled,
      loginStateKey: await loginStateKeyOf(config),
      now: parts.now,
      logger: parts.logger,
    });
    composition.providers = Object.fromEntries(
      relyingParty.providerNames.map((key) => {
        const name = openid.providers[key]?.name;
        return [key, name === undefined ? {} : { name }];
      }),
    );
    composition.extend = (app) => mountOidcRoutes(app, { relyingParty, sessions });
    // every provider is checked now and retried until it answers (a failure is warned about with its cause)
    const stopDiscoveryCheck = checkOidcDiscovery(relyingParty, parts.logger);
    composition.close = async () => stopDiscoveryCheck();
  }
  return Object.keys(composition).length === 0 ? undefined : composition;
}

/**
 * The key sealing the in-flight login cookie (state, nonce, PKCE verifier). Derived from sessionKeysFile when
 * given, so every instance behind a load balancer can finish a login another one started; random otherwise.
 */
async function loginStateKeyOf(config: ZotConfig): Promise<Uint8Array | undefined> {
  const file = config.http.auth?.sessionKeysFile;
  if (file === undefined) return undefined;
  const keys = await loadSessionKeysFile(file);
  return new Uint8Array(hkdfSync('sha256', keys.hashKey, new Uint8Array(0), 'zot-ts oidc login state', 32));
}

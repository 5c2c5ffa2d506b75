// http.auth (and http.tls.cacert) as @zot-ts/auth's parts: htpasswd, LDAP (auth-ldap.ts), API keys, sessions, bearer, mTLS. Each part
// exists only when its config does; files named by the config are read here, so a missing htpasswd file or
// bearer certificate stops the start-up with the file's path.
import {
  type ApiKeyService,
  type BearerVerifier,
  createApiKeyService,
  createBearerVerifier,
  createMtlsIdentityResolver,
  createSessionService,
  type Htpasswd,
  type LdapAuthenticator,
  loadBearerKey,
  loadHtpasswd,
  loadSessionKeysFile,
  type MtlsIdentityResolver,
  type SessionKeys,
  type SessionService,
} from '@zot-ts/auth';
import type { ZotConfig } from '@zot-ts/config';
import type { MetaStore } from '@zot-ts/metastore';
import type { Logger } from '../log-sink.js';
import { createLdapFromConfig } from './auth-ldap.js';

export interface AuthMethods {
  htpasswd?: Htpasswd;
  ldap?: LdapAuthenticator;
  apiKeys?: ApiKeyService;
  sessions?: SessionService;
  bearer?: BearerVerifier;
  mtls?: MtlsIdentityResolver;
  /** Whether any authentication method is configured (then anonymous callers get only anonymousPolicy). */
  enabled: boolean;
}

/** Whether the config turns authentication on: zot's IsBasicAuthnEnabled / IsBearerAuthEnabled / mTLS. */
export function authEnabledIn(config: ZotConfig): boolean {
  const auth = config.http.auth;
  return (
    auth?.htpasswd !== undefined ||
    auth?.ldap !== undefined ||
    auth?.openid !== undefined ||
    auth?.bearer?.cert !== undefined ||
    (auth?.bearer?.oidc?.length ?? 0) > 0 ||
    config.http.tls?.cacert !== undefined
  );
}

/**
 * Whether zot's GET /v2/ carries a WWW-Authenticate challenge, also on a 200: IsBasicAuthnEnabled (htpasswd, LDAP,
 * OpenID, API keys) or IsBearerAuthEnabled (zot's pkg/api/routes.go CheckVersionSupport). mTLS alone: no.
 */
export function pingChallengeIn(config: ZotConfig): boolean {
  const auth = config.http.auth;
  return (
    auth?.htpasswd !== undefined ||
    auth?.ldap !== undefined ||
    auth?.openid !== undefined ||
    auth?.apikey === true ||
    auth?.bearer?.cert !== undefined ||
    (auth?.bearer?.oidc?.length ?? 0) > 0
  );
}

export async function loadAuthMethods(input: {
  config: ZotConfig;
  metaStore: MetaStore;
  logger: Logger;
  now: () => Date;
  /** Sessions shared by several instances (Redis) and the cookie keys they all use (scale-out.ts). */
  sharedSessions?: { store: MetaStore['sessions']; keys: SessionKeys };
}): Promise<AuthMethods> {
  const { config, metaStore, logger, now, sharedSessions } = input;
  const auth = config.http.auth;
  const methods: AuthMethods = { enabled: authEnabledIn(config) };

  if (auth?.htpasswd !== undefined) {
    methods.htpasswd = await loadHtpasswd({
      path: auth.htpasswd.path,
      onReloadError: (error) =>
        logger.warn('htpasswd reload failed, keeping the previous users', {
          path: auth.htpasswd?.path,
          error: String(error),
        }),
    });
  }
  if (auth?.ldap !== undefined) methods.ldap = await createLdapFromConfig(auth.ldap, logger);
  // zot turns API keys on whenever openid is configured
  if (auth?.apikey === true || auth?.openid !== undefined) {
    methods.apiKeys = createApiKeyService({ metaStore, now });
  }
  if (
    methods.htpasswd !== undefined ||
    methods.ldap !== undefined ||
    auth?.openid !== undefined ||
    methods.apiKeys !== undefined
  ) {
    methods.sessions = createSessionService({
      metaStore: sharedSessions === undefined ? metaStore : { ...metaStore, sessions: sharedSessions.store },
      ...(auth?.sessionKeysFile === undefined
        ? sharedSessions === undefined
          ? {}
          : { keys: sharedSessions.keys }
        : { keys: await loadSessionKeysFile(auth.sessionKeysFile) }),
      ...(auth?.secureSession === undefined ? {} : { secureSession: auth.secureSession }),
      now,
    });
  }
  const bearer = auth?.bearer;
  if (bearer?.cert !== undefined) {
    methods.bearer = createBearerVerifier({
      realm: bearer.realm ?? '',
      service: bearer.service ?? '',
      publicKey: await loadBearerKey(bearer.cert),
      now,
    });
  }
  if (config.http.tls?.cacert !== undefined) {
    methods.mtls = createMtlsIdentityResolver(auth?.mtls ?? {});
  }
  return methods;
}

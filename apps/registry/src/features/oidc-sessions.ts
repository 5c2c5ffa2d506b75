// The two ports @zot-ts/auth-oidc asks of the registry, over what the auth feature already has:
// - SessionPort over @zot-ts/auth's session service: an OIDC login opens the same `session` cookie a basic UI
//   login opens (so the authenticator reads it, with `X-ZOT-API-CLIENT: zot-ui` as zot requires), and keeps
//   the provider and the ID token with the session record, so logout can send `id_token_hint`;
// - UserPort over metaStore.users: the groups are stored with the user, so API keys made later by that user
//   carry the same groups (the authenticator reads stored groups for API-key logins).
import type { SessionService } from '@zot-ts/auth';
import type { SessionPort, UserPort } from '@zot-ts/auth-oidc';
import type { UserStore } from '@zot-ts/metastore';

export interface OidcSessionPortOptions {
  sessions: SessionService;
  /** Whether cookies get the Secure attribute: TLS served here (secureSession forces it inside the service). */
  tlsEnabled: boolean;
}

export function oidcSessionPort(options: OidcSessionPortOptions): SessionPort {
  const { sessions } = options;
  const tls = { enabled: options.tlsEnabled };
  return {
    async create(input) {
      const setCookie = await sessions.issue(
        // The session authenticates API requests as this user: policies see its groups and its claims.
        { username: input.username, groups: input.groups, method: 'oidc', claims: input.claims },
        { tls },
        { provider: input.provider, ...(input.idToken === undefined ? {} : { idToken: input.idToken }) },
      );
      return { setCookie };
    },
    async current(request) {
      const session = await sessions.current(request);
      if (session === undefined) return undefined;
      return {
        sessionId: session.sessionId,
        username: session.username,
        ...(session.idToken === undefined ? {} : { idToken: session.idToken }),
        ...(session.provider === undefined ? {} : { provider: session.provider }),
      };
    },
    revoke: (sessionId) => sessions.revoke(sessionId),
    clearCookie: () => sessions.clearingCookies({ tls }),
  };
}

export function oidcUserPort(users: UserStore, now: () => Date): UserPort {
  return {
    async upsert(username, groups) {
      // zot's SetUserGroups on every OIDC login: the provider's groups replace the stored ones.
      await users.upsert(username, { groups });
      await users.recordLogin(username, now());
    },
  };
}

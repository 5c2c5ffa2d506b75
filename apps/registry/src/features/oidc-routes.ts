// The OpenID Connect routes, zot's paths:
//   GET  /zot/auth/login?provider=<name>&callback_ui=<target>   -> 302 to the provider
//   GET  /zot/auth/callback/<name>                              -> session cookie, 302 to callback_ui or 201
//   POST /zot/auth/logout                                       -> ends the session; {endSessionUrl} for OIDC
// Mounted before features/auth-routes.ts (see auth.ts), so this logout route answers first: an OIDC session
// logs out at the provider too (RP-initiated logout), any other session logs out exactly as before.
import type { SessionService } from '@zot-ts/auth';
import type { OidcRelyingParty } from '@zot-ts/auth-oidc';
import type { OciApiEnv } from '@zot-ts/oci-api';
import type { Hono } from 'hono';

export interface OidcRoutesOptions {
  relyingParty: OidcRelyingParty;
  sessions: SessionService;
}

export function mountOidcRoutes(app: Hono<OciApiEnv>, options: OidcRoutesOptions): void {
  const { relyingParty, sessions } = options;
  const providerNames = new Set(relyingParty.providerNames);

  app.get('/zot/auth/login', function oidcLoginRoute(c) {
    return relyingParty.login(c.req.raw);
  });
  app.get('/zot/auth/callback/:provider', function oidcCallbackRoute(c) {
    return relyingParty.callback(c.req.raw);
  });
  app.post('/zot/auth/logout', async function oidcLogoutRoute(c) {
    const session = await sessions.current(c.req.raw);
    if (session?.provider !== undefined && providerNames.has(session.provider)) {
      return relyingParty.logout(c.req.raw);
    }
    return sessions.logout(c.req.raw);
  });
}

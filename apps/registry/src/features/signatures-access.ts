// Who may use the signature endpoints. Key upload is for admins only (zot: AuthzOnlyAdminsMiddleware on
// /v2/_zot/ext/cosign; anonymous callers get 401 with a challenge, authenticated non-admins 403). Reading a
// manifest's verification results needs read access to its repository, decided exactly as pulling the manifest by
// digest would be (the full request: client address, TLS, user agent), never with the looser listing check.
import type { ZotConfig } from '@zot-ts/config';
import type { Identity, OciApiEnv } from '@zot-ts/oci-api';
import { accessRequestOf, OciHttpError } from '@zot-ts/oci-api';
import type { Context } from 'hono';
import type { AuthFeature } from './auth.js';

export interface SignatureAccessOptions {
  config: ZotConfig;
  /** Absent only when composed without the auth feature (tests): then every caller is let through. */
  auth: AuthFeature | undefined;
  /** The clock of `req.time` in conditions. */
  now?: () => Date;
}

export interface SignatureAccess {
  /** Throws 401 (with challenge) or 403 unless the caller is an admin. */
  requireAdmin(c: Context<OciApiEnv>): Promise<Identity | undefined>;
  /** Throws 401 (with challenge) or 403 unless the caller may read manifest `digest` of `repository`. */
  requireRead(c: Context<OciApiEnv>, repository: string, digest: string): Promise<Identity | undefined>;
}

export function createSignatureAccess(options: SignatureAccessOptions): SignatureAccess {
  const { config, auth } = options;

  function unauthorized(reason: string): OciHttpError {
    // zot's AuthzFail answers an anonymous caller with a challenge (Basic realm=<http.realm> by default).
    const challenges = auth?.challenge() ?? [];
    const challenge = challenges.length > 0 ? challenges.join(', ') : `Basic realm="${config.http.realm}"`;
    return new OciHttpError('UNAUTHORIZED', {
      headers: { 'WWW-Authenticate': challenge },
      detail: { reason },
    });
  }

  async function identify(c: Context<OciApiEnv>): Promise<Identity | undefined> {
    if (auth === undefined) return undefined;
    const socket = c.env?.incoming?.socket as { encrypted?: boolean; remoteAddress?: string } | undefined;
    const identity = await auth.identify(c.req.raw, {
      enabled: socket?.encrypted === true,
      clientIp: socket?.remoteAddress ?? '',
    });
    c.set('identity', identity);
    return identity;
  }

  return {
    async requireAdmin(c) {
      // zot: with no authentication configured the admin-only routes are open to everyone.
      if (auth === undefined) return undefined;
      const identity = await identify(c);
      if (auth.isAdmin(identity)) return identity;
      if (identity === undefined) throw unauthorized('only administrators may add trusted keys');
      throw new OciHttpError('DENIED', { detail: { reason: 'only administrators may add trusted keys' } });
    },

    async requireRead(c, repository, digest) {
      const identity = await identify(c);
      if (auth === undefined) return identity;
      const target = { action: 'read', repository, reference: digest, referenceType: 'digest' } as const;
      const decision = auth.authorize(accessRequestOf(c, target, identity, options.now));
      if (decision.allowed) return identity;
      const reason = decision.reason ?? `read access to ${repository} is required`;
      if (identity === undefined) throw unauthorized(reason);
      throw new OciHttpError('DENIED', { detail: { reason } });
    },
  };
}

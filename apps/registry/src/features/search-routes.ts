// Routes of the search feature, on zot's paths:
//   GET|POST /v2/_zot/ext/search     GraphQL (zot's schema); answers only what the caller may read
//   PUT      /v2/_zot/ext/userprefs  ?action=toggleStar|toggleBookmark&repo=<name> (when the UI is on)
// Like every /v2/ route in zot they sit behind authentication: wrong credentials get 401, and so does an
// anonymous caller when anonymous callers may use nothing (no anonymousPolicy), so UIs know to log in.
import type { Identity, OciApiEnv } from '@zot-ts/oci-api';
import type { SearchApi } from '@zot-ts/search';
import type { Context, Hono } from 'hono';
import type { AuthFeature } from './auth.js';

export const SEARCH_PATH = '/v2/_zot/ext/search';
export const USERPREFS_PATH = '/v2/_zot/ext/userprefs';
export const MGMT_PATH = '/v2/_zot/ext/mgmt';

export interface SearchRoutesOptions {
  api: SearchApi<Identity>;
  /** Absent only when composed without the auth feature (tests): then every caller is anonymous and let in. */
  auth: AuthFeature | undefined;
  realm: string;
  userPrefs: boolean;
}

function specError(
  status: number,
  code: string,
  message: string,
  reason: string,
  headers: Record<string, string> = {},
) {
  return new Response(JSON.stringify({ errors: [{ code, message, detail: { reason } }] }), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/** zot (gorilla/mux) answers a known path with another method 405; OPTIONS preflights are CORS's, earlier. */
function methodNotAllowed(c: Context<OciApiEnv>, allow: string): Response {
  return specError(405, 'UNSUPPORTED', 'method not allowed', `${c.req.method} is not one of ${allow}`, {
    Allow: allow,
  });
}

export function searchRoutes(app: Hono<OciApiEnv>, options: SearchRoutesOptions): void {
  const { api, auth } = options;

  /** The caller's identity, or the 401 to answer. */
  async function caller(c: Context<OciApiEnv>): Promise<{ identity: Identity | undefined } | Response> {
    if (auth === undefined) return { identity: undefined };
    const socket = c.env?.incoming?.socket as { encrypted?: boolean } | undefined;
    const result = await auth.authenticate(c.req.raw, { enabled: socket?.encrypted === true });
    const identity = result.kind === 'identity' ? result.identity : undefined;
    c.set('identity', identity);
    const allowed = result.kind !== 'rejected' && (auth.can?.(identity, 'read', '') ?? true);
    if (allowed) return { identity };
    const challenges = auth.challenge();
    const challenge =
      challenges.length > 0 ? challenges.join(', ') : `Basic realm=${JSON.stringify(options.realm)}`;
    const reason = result.kind === 'rejected' ? result.reason : 'authentication required';
    return specError(401, 'UNAUTHORIZED', 'authentication required', reason, {
      'WWW-Authenticate': challenge,
    });
  }

  app.on(['GET', 'POST'], SEARCH_PATH, async function graphqlSearch(c) {
    const who = await caller(c);
    if (who instanceof Response) return who;
    return api.handle(c.req.raw, who.identity);
  });

  app.all(SEARCH_PATH, (c) => methodNotAllowed(c, 'GET, POST'));

  if (options.userPrefs) {
    app.put(USERPREFS_PATH, async function userPreferences(c) {
      const who = await caller(c);
      if (who instanceof Response) return who;
      return api.handleUserPrefs(c.req.raw, who.identity);
    });
    app.all(USERPREFS_PATH, (c) => methodNotAllowed(c, 'PUT'));
  }
}

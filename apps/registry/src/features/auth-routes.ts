// The routes of the auth feature, mounted before the distribution-spec API (zot's paths and shapes):
//   /zot/auth/apikey        POST create, GET list, DELETE ?id= revoke   (http.auth.apikey; 401 when anonymous)
//   POST /zot/auth/logout   ends the UI session and clears its cookies
//   GET /v2/_zot/ext/mgmt   server version and enabled auth methods, no secrets (UIs and zli read it unauthenticated)
//   GET /v2/                the Docker-client workaround (see dockerClientChallenge)
import {
  type ApiKeyHandlers,
  type Authenticator,
  buildMgmtInfo,
  isDockerClient,
  type MgmtInfo,
  type SessionService,
} from '@zot-ts/auth';
import { type OciApiEnv, requestInfoOf } from '@zot-ts/oci-api';
import type { Context, Hono } from 'hono';

export interface AuthRoutesOptions {
  authenticator: Authenticator;
  apiKeyHandlers?: ApiKeyHandlers;
  sessions?: SessionService;
  mgmt: MgmtInfo;
  /** True when anonymous and authenticated-only policies are mixed (see dockerClientChallenge). */
  dockerWorkaround: () => boolean;
  /** The challenges every GET /v2/ carries, also on a 200 (see pingChallenge); absent: none. */
  pingChallenges?: () => string[];
}

/** zot's header telling UI requests apart (constants.SessionClientHeaderName / SessionClientHeaderValue). */
const uiClientHeader = 'x-zot-api-client';
const uiClientValue = 'zot-ui';

const isPing = (method: string, path: string) =>
  (method === 'GET' || method === 'HEAD') && (path === '/v2/' || path === '/v2');

function unauthorized(c: Context<OciApiEnv>, challenges: string[], reason: string): Response {
  const body = JSON.stringify({
    errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: { reason } }],
  });
  const headers = new Headers({ 'Content-Type': 'application/json' });
  for (const challenge of challenges) headers.append('WWW-Authenticate', challenge);
  c.set('identity', undefined);
  return new Response(body, { status: 401, headers });
}

export function mountAuthRoutes(app: Hono<OciApiEnv>, options: AuthRoutesOptions): void {
  const { authenticator } = options;
  const challenges = () => authenticator.challenge({ repository: '', action: 'read' });

  // zot's authFail: a 401 to the UI (X-ZOT-API-CLIENT: zot-ui) carries no WWW-Authenticate, or browsers would
  // open their own password dialog over the UI's login page (and a fetch would wait on it). Mounted before every
  // other feature's routes and the distribution-spec API, so it sees all of their 401s.
  app.use('*', async function uiWithoutChallenge(c, next) {
    await next();
    if (c.res.status === 401 && c.req.header(uiClientHeader) === uiClientValue)
      c.res.headers.delete('WWW-Authenticate');
  });

  const handlers = options.apiKeyHandlers;
  if (handlers !== undefined) {
    app.all('/zot/auth/apikey', async function apiKeyRoute(c) {
      const info = requestInfoOf(c);
      const result = await authenticator.authenticate(info);
      if (result.kind === 'rejected') return unauthorized(c, challenges(), result.reason);
      if (result.kind === 'anonymous') return unauthorized(c, challenges(), 'authentication required');
      c.set('identity', result.identity);
      return handlers.handle(c.req.raw, result.identity);
    });
  }

  const sessions = options.sessions;
  if (sessions !== undefined) {
    app.post('/zot/auth/logout', function logoutRoute(c) {
      return sessions.logout(c.req.raw);
    });
  }

  const mgmtBody = JSON.stringify(options.mgmt);
  app.get('/v2/_zot/ext/mgmt', function mgmtRoute(c) {
    return c.body(mgmtBody, 200, { 'Content-Type': 'application/json' });
  });

  // zot's workaround: Docker sends stored credentials only after a 401, so when some repositories are open to
  // anonymous callers (GET /v2/ would answer 200) and others need a login, a Docker client asking GET /v2/
  // without credentials is challenged; other clients (skopeo, podman, browsers) keep the anonymous 200.
  // zot's CheckVersionSupport: with basic or bearer authentication configured, GET /v2/ names the challenge even
  // when it answers 200 (anonymous read allowed somewhere). skopeo, podman and buildah decide from this ping
  // whether to send their credentials at all: without it a push to a repository that needs a login fails with
  // 401 though the credentials given are right. UI requests (X-ZOT-API-CLIENT: zot-ui) get no challenge, so
  // browsers show no login dialog.
  const pingChallenges = options.pingChallenges;
  if (pingChallenges !== undefined) {
    app.use('/v2/*', async function pingChallenge(c, next) {
      await next();
      if (!isPing(c.req.method, c.req.path)) return;
      if (c.req.header(uiClientHeader) === uiClientValue) return;
      if (c.res.headers.has('WWW-Authenticate')) return;
      for (const value of pingChallenges()) c.res.headers.append('WWW-Authenticate', value);
    });
  }

  app.use('/v2/*', async function dockerClientChallenge(c, next) {
    if (
      isPing(c.req.method, c.req.path) &&
      options.dockerWorkaround() &&
      isDockerClient(c.req.header('user-agent')) &&
      c.req.header('authorization') === undefined
    ) {
      const result = await authenticator.authenticate(requestInfoOf(c));
      if (result.kind !== 'identity') {
        const response = unauthorized(c, challenges(), 'docker clients log in before pulling');
        response.headers.set('Docker-Distribution-API-Version', 'registry/2.0');
        return response;
      }
    }
    await next();
  });
}

/** The mgmt body from the config's auth section: which methods are on, never paths or secrets. */
export function mgmtInfoOf(input: {
  distSpecVersion: string;
  releaseTag: string;
  htpasswd: boolean;
  ldap: boolean;
  bearer: { realm: string; service: string } | undefined;
  openid: Record<string, { name?: string }> | undefined;
  apikey: boolean;
}): MgmtInfo {
  return buildMgmtInfo({
    distSpecVersion: input.distSpecVersion,
    releaseTag: input.releaseTag,
    binaryType: '',
    auth: {
      htpasswd: input.htpasswd,
      ldap: input.ldap,
      apikey: input.apikey,
      ...(input.bearer === undefined ? {} : { bearer: input.bearer }),
      ...(input.openid === undefined ? {} : { openid: input.openid }),
    },
  });
}

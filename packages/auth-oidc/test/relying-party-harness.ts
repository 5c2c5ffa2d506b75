// Mounts the relying party's web handlers on a node:http server, with a SessionPort backed by a
// Map, the way the registry will mount them on its Hono app.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SessionPort, UserPort } from '../src/ports.js';
import type { OidcRelyingParty } from '../src/relying-party.js';

export interface StoredSession {
  username: string;
  groups: string[];
  claims: Record<string, unknown>;
  idToken?: string;
  provider: string;
}

export class MapSessions implements SessionPort {
  readonly sessions = new Map<string, StoredSession>();

  async create(input: StoredSession) {
    const sessionId = randomUUID();
    this.sessions.set(sessionId, input);
    return { setCookie: `session=${sessionId}; Path=/; HttpOnly; SameSite=Lax` };
  }

  async current(request: Request) {
    const sessionId = /(?:^|;\s*)session=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
    const session = sessionId === undefined ? undefined : this.sessions.get(sessionId);
    if (sessionId === undefined || session === undefined) return undefined;
    return {
      sessionId,
      username: session.username,
      provider: session.provider,
      ...(session.idToken === undefined ? {} : { idToken: session.idToken }),
    };
  }

  async revoke(sessionId: string) {
    this.sessions.delete(sessionId);
  }

  clearCookie() {
    return 'session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax';
  }
}

export class RecordingUsers implements UserPort {
  readonly upserts: Array<{ username: string; groups: string[] }> = [];
  async upsert(username: string, groups: string[]) {
    this.upserts.push({ username, groups });
  }
}

export interface RelyingPartyServer {
  origin: string;
  mount(relyingParty: OidcRelyingParty, sessions: SessionPort): void;
  close(): Promise<void>;
}

export async function startRelyingPartyServer(): Promise<RelyingPartyServer> {
  let routes: ((request: Request) => Promise<Response>) | undefined;
  const server: Server = createServer((incoming, outgoing) => {
    void serve(incoming, outgoing);
  });

  async function serve(incoming: IncomingMessage, outgoing: ServerResponse) {
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (typeof value === 'string') headers.set(name, value);
    }
    const request = new Request(`${origin}${incoming.url ?? '/'}`, {
      method: incoming.method ?? 'GET',
      headers,
    });
    const response = routes ? await routes(request) : new Response('not mounted', { status: 503 });
    const plain: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (name !== 'set-cookie') plain[name] = value;
    });
    outgoing.writeHead(response.status, { ...plain, 'set-cookie': response.headers.getSetCookie() });
    outgoing.end(Buffer.from(await response.arrayBuffer()));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    mount(relyingParty, sessions) {
      routes = async (request) => {
        const { pathname } = new URL(request.url);
        if (pathname === '/zot/auth/login' && request.method === 'GET') return relyingParty.login(request);
        if (pathname.startsWith('/zot/auth/callback/') && request.method === 'GET')
          return relyingParty.callback(request);
        if (pathname === '/zot/auth/logout' && request.method === 'POST') return relyingParty.logout(request);
        if (pathname === '/whoami') {
          const session = await sessions.current(request);
          return session
            ? Response.json({ username: session.username })
            : new Response(null, { status: 401 });
        }
        return new Response(null, { status: 404 });
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

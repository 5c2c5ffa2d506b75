// A Docker token server (https://distribution.github.io/distribution/spec/auth/token/) for tests: GET
// /token?service=..&scope=.. with Basic credentials answers a short-lived RS256 JWT whose `access` claim grants
// each requested scope the actions the user holds. Unknown users, wrong passwords and anonymous callers get 401.
// Every request is recorded so a test can check who asked for which scopes, and how often.
import { createSign, generateKeyPairSync, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenUser {
  password: string;
  /** Actions granted on any repository (e.g. ['pull'] or ['pull', 'push']). */
  actions: string[];
  /** Also grant `registry:catalog:*` when asked. */
  catalog?: boolean;
}

export interface TokenRequest {
  /** The Basic username, or undefined for an anonymous or malformed request. */
  user: string | undefined;
  scopes: string[];
  status: number;
}

export interface TokenServer {
  realm: string;
  service: string;
  requests: TokenRequest[];
  /** Writes the public key (PEM) where `http.auth.bearer.cert` can read it. */
  writeCertificate(path: string): void;
  close(): Promise<void>;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const sameText = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

export async function startTokenServer(
  users: Record<string, TokenUser>,
  service = 'zot.test',
): Promise<TokenServer> {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const requests: TokenRequest[] = [];

  function sign(subject: string, access: object[]): string {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: 'test-token-server', sub: subject, aud: service, iat: now, exp: now + 300, access };
    const body = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`;
    return `${body}.${createSign('RSA-SHA256').update(body).sign(key.privateKey).toString('base64url')}`;
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://token.test');
    const scopes = url.searchParams.getAll('scope').flatMap((scope) => scope.split(' '));
    const header = request.headers.authorization ?? '';
    const decoded = header.startsWith('Basic ')
      ? Buffer.from(header.slice(6), 'base64').toString('utf8')
      : undefined;
    const colon = decoded?.indexOf(':') ?? -1;
    const name = decoded !== undefined && colon > 0 ? decoded.slice(0, colon) : undefined;
    const user = name === undefined ? undefined : users[name];
    const known = user !== undefined && sameText(decoded?.slice(colon + 1) ?? '', user.password);
    const status = url.pathname === '/token' && known ? 200 : 401;
    requests.push({ user: name, scopes, status });
    if (status !== 200 || user === undefined || name === undefined) {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    const access = scopes.flatMap((scope) => {
      const [type, resource, wanted = ''] = scope.split(':');
      if (type === 'registry' && resource === 'catalog')
        return user.catalog === true ? [{ type, name: resource, actions: ['*'] }] : [];
      if (type !== 'repository' || resource === undefined) return [];
      const actions = wanted.split(',').filter((action) => user.actions.includes(action));
      return [{ type, name: resource, actions }];
    });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ token: sign(name, access), expires_in: 300 }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    requests,
    writeCertificate(path) {
      writeFileSync(path, key.publicKey.export({ type: 'spki', format: 'pem' }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

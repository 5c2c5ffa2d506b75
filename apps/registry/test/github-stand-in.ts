// A stand-in for GitHub's OAuth and REST endpoints (node:http on loopback), speaking what zot's GitHub login
// uses: GET /login/oauth/authorize (answers at once as if the user consented, for the account the test chose),
// POST /login/oauth/access_token (checks client id and secret, the code, redirect_uri and the PKCE verifier, and
// answers errors with 200 and an `error` field as GitHub does), GET /api/v3/user/emails and /api/v3/user/orgs
// (GitHub Enterprise Server's API path, which zot-ts derives from authurl), paged with Link headers.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface GithubAccount {
  emails: Array<{ email: string; primary: boolean; verified: boolean }>;
  orgs: string[];
}

export interface GithubStandIn {
  origin: string;
  clientId: string;
  clientSecret: string;
  /** Who the next /login/oauth/authorize consents as. */
  signInAs(account: string): void;
  /** Requests seen, as "METHOD path" (no query). */
  requests: string[];
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startGithubStandIn(accounts: Record<string, GithubAccount>): Promise<GithubStandIn> {
  const clientId = 'Iv1.standin';
  const clientSecret = randomBytes(16).toString('hex');
  let current = '';
  const codes = new Map<string, { account: string; redirectUri: string; challenge: string }>();
  const tokens = new Map<string, string>();
  const requests: string[] = [];

  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    requests.push(`${request.method} ${url.pathname}`);
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(value));
    };
    if (request.method === 'GET' && url.pathname === '/login/oauth/authorize') {
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      if (url.searchParams.get('client_id') !== clientId) return json(404, { error: 'unknown client' });
      const code = randomBytes(10).toString('hex');
      codes.set(code, {
        account: current,
        redirectUri,
        challenge: url.searchParams.get('code_challenge') ?? '',
      });
      const target = new URL(redirectUri);
      target.searchParams.set('code', code);
      target.searchParams.set('state', url.searchParams.get('state') ?? '');
      response.writeHead(302, { location: target.href });
      return response.end();
    }
    if (request.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      const form = new URLSearchParams(await bodyOf(request));
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret)
        return json(200, { error: 'incorrect_client_credentials' });
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (
        grant === undefined ||
        grant.redirectUri !== form.get('redirect_uri') ||
        grant.challenge !== challenge
      )
        return json(200, { error: 'bad_verification_code' });
      const token = `gho_${randomBytes(12).toString('hex')}`;
      tokens.set(token, grant.account);
      return json(200, { access_token: token, token_type: 'bearer', scope: 'read:org,user:email' });
    }
    const account = accounts[tokens.get((request.headers.authorization ?? '').replace(/^Bearer /, '')) ?? ''];
    if (url.pathname.startsWith('/api/v3/') && account === undefined)
      return json(401, { message: 'Bad credentials' });
    if (account !== undefined && url.pathname === '/api/v3/user/emails') return json(200, account.emails);
    if (account !== undefined && url.pathname === '/api/v3/user/orgs') {
      // one organisation per page, so that paging is exercised
      const page = Number(url.searchParams.get('page') ?? '1');
      const orgs = account.orgs
        .slice(page - 1, page)
        .map((login, index) => ({ login, id: page * 100 + index }));
      const headers: Record<string, string> =
        page < account.orgs.length
          ? { link: `<${origin}/api/v3/user/orgs?per_page=1&page=${page + 1}>; rel="next"` }
          : {};
      return json(200, orgs, headers);
    }
    return json(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    origin,
    clientId,
    clientSecret,
    signInAs: (name) => {
      current = name;
    },
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

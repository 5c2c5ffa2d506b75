// Our own registry in-process for the client's tests: oci-api over a store in a temporary directory, served by
// @hono/node-server on a free loopback port. With `bearer`, a Docker token server sits in front: /token hands
// out opaque tokens for the scopes asked (after Basic auth), and every /v2 request needs a token carrying its
// scope, else 401 with a Bearer challenge naming that scope.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createOciApi } from '@zot-ts/oci-api';
import { createStore } from '@zot-ts/oci-store';
import { Hono } from 'hono';

export interface LocalRegistry {
  url: string;
  /** Token requests answered, by scope set. */
  tokenRequests: string[];
  close(): Promise<void>;
}

export const BEARER_USER = { username: 'ci', password: 'token-pass' };

/** The scope a request needs, as the Docker token spec names it. */
function scopeOf(method: string, path: string): string | undefined {
  if (path === '/v2/' || path === '/v2') return undefined;
  if (path.startsWith('/v2/_catalog')) return 'registry:catalog:*';
  const match = /^\/v2\/(.+?)\/(manifests|blobs|tags|referrers)\//.exec(path);
  if (match === null) return undefined;
  const write = !['GET', 'HEAD'].includes(method);
  return `repository:${match[1]}:${write ? 'pull,push' : 'pull'}`;
}

export async function startLocalRegistry(options: { bearer?: boolean } = {}): Promise<LocalRegistry> {
  const directory = mkdtempSync(join(tmpdir(), 'oci-client-local-'));
  const store = await createStore({ rootDirectory: directory, dedupe: true, commit: false });
  const app = new Hono();
  const tokenRequests: string[] = [];
  const tokens = new Map<string, Set<string>>();
  let base = '';
  if (options.bearer === true) {
    app.get('/token', (c) => {
      const expected = `Basic ${Buffer.from(`${BEARER_USER.username}:${BEARER_USER.password}`).toString('base64')}`;
      if (c.req.header('authorization') !== expected)
        return c.json({ errors: [{ code: 'UNAUTHORIZED' }] }, 401);
      const scopes = c.req.queries('scope') ?? [];
      tokenRequests.push(scopes.join(' '));
      const granted = new Set<string>();
      for (const scope of scopes) {
        granted.add(scope);
        // push includes pull, as token servers grant it
        if (scope.endsWith(':pull,push')) granted.add(scope.replace(':pull,push', ':pull'));
      }
      const token = randomBytes(16).toString('hex');
      tokens.set(token, granted);
      return c.json({ token, expires_in: 300 });
    });
    app.use('/v2/*', async (c, next) => {
      const needed = scopeOf(c.req.method, c.req.path);
      const presented = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '')?.[1];
      const granted = presented === undefined ? undefined : tokens.get(presented);
      if (granted !== undefined && (needed === undefined || granted.has(needed))) return next();
      const scope = needed === undefined ? '' : `,scope="${needed}"`;
      c.header('www-authenticate', `Bearer realm="${base}/token",service="local-test"${scope}`);
      return c.json({ errors: [{ code: 'UNAUTHORIZED', message: 'token needed' }] }, 401);
    });
  }
  app.route('/', createOciApi({ store }));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    tokenRequests,
    close: () =>
      new Promise((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => {
          rmSync(directory, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

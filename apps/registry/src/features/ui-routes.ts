// The web UI's routes, as zot's extension_ui.go mounts them: index.html for the UI's own paths (/, /login, /home,
// /explore, /image/..., /user/...) so client-side routes survive a reload or a shared link, and the built files
// (hashed /assets/*, /favicon.svg). GET and HEAD only, without authentication (the page itself holds no data;
// every API call it makes is authorized as usual). Every answer carries zot's security headers, with a stricter
// CSP than zot's (no 'unsafe-inline': the build emits no inline script or style).
import type { OciApiEnv } from '@zot-ts/oci-api';
import type { Context, Hono } from 'hono';
import type { UiFile } from './ui-files.js';

/** zot's addUISecurityHeaders. */
export const UI_SECURITY_HEADERS: Record<string, string> = {
  'Permissions-Policy':
    'microphone=(), geolocation=(), battery=(), camera=(), autoplay=(), gyroscope=(), payment=()',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'same-origin',
  'Content-Security-Policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "manifest-src 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
};

/** zot's UI path prefixes, answered with index.html (gorilla's PathPrefix: "/image" also takes "/images"). */
const APP_PATHS = [
  '/',
  '/login',
  '/login/*',
  '/home',
  '/home/*',
  '/explore',
  '/explore/*',
  '/image/*',
  '/user',
  '/user/*',
];

function send(c: Context<OciApiEnv>, file: UiFile): Response {
  const headers = new Headers(UI_SECURITY_HEADERS);
  headers.set('Content-Type', file.contentType);
  headers.set('ETag', file.etag);
  headers.set('Vary', 'Accept-Encoding');
  // hashed assets never change under their name; index.html is revalidated so a new build shows at once
  headers.set('Cache-Control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (c.req.header('if-none-match') === file.etag) return new Response(null, { status: 304, headers });
  const gzip = file.gzip !== undefined && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
  const body = gzip ? (file.gzip as Uint8Array) : file.body;
  if (gzip) headers.set('Content-Encoding', 'gzip');
  headers.set('Content-Length', String(body.byteLength));
  return new Response(c.req.method === 'HEAD' ? null : body, { status: 200, headers });
}

/** `files` undefined: the UI was not built; its paths answer 503 saying how to build it. */
export function uiRoutes(app: Hono<OciApiEnv>, files: Map<string, UiFile> | undefined): void {
  if (files === undefined) {
    const notBuilt = (c: Context<OciApiEnv>) =>
      c.text(
        'The web UI is enabled (extensions.ui) but not built. Run `pnpm install` (or `pnpm --filter @zot-ts/ui build`) and restart; `pnpm zot serve` builds it for you.\n',
        503,
        UI_SECURITY_HEADERS,
      );
    for (const path of APP_PATHS) app.get(path, notBuilt);
    return;
  }
  const index = files.get('/index.html');
  if (index === undefined) throw new Error('the built UI has no index.html');
  for (const path of APP_PATHS) app.get(path, (c) => send(c, index));
  app.get('/assets/*', (c) => {
    const file = files.get(c.req.path);
    if (file !== undefined) return send(c, file);
    return c.json(
      { errors: [{ code: 'NAME_UNKNOWN', message: 'no such file', detail: { path: c.req.path } }] },
      404,
      UI_SECURITY_HEADERS,
    );
  });
  for (const [path, file] of files)
    if (!path.startsWith('/assets/') && path !== '/index.html') app.get(path, (c) => send(c, file));
}

// A tiny history router: zot's UI paths (/login, /home, /explore, /image/<repo>, /image/<repo>/tag/<tag>,
// /user/apikey), which the registry answers with index.html. Links are plain <a href> (so they open in a new
// tab and work with the keyboard); a click on a same-origin link is turned into a pushState here.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'login'; next: string }
  | { page: 'explore'; params: URLSearchParams }
  | { page: 'repo'; repo: string }
  | { page: 'image'; repo: string; tag: string; digest: string | undefined }
  | { page: 'user' }
  | { page: 'notFound'; path: string };

/** A repository name (may hold slashes) as one path segment. */
export const repoPath = (repo: string): string => `/image/${encodeURIComponent(repo)}`;
export const imagePath = (repo: string, tag: string, digest?: string): string =>
  `${repoPath(repo)}/tag/${encodeURIComponent(tag)}${digest === undefined ? '' : `?digest=${encodeURIComponent(digest)}`}`;

export function parseRoute(url: URL): Route {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path === '/login') return { page: 'login', next: url.searchParams.get('next') ?? '/home' };
  if (path === '/' || path === '/home' || path === '/explore')
    return { page: 'explore', params: url.searchParams };
  if (path === '/user' || path === '/user/apikey') return { page: 'user' };
  const image = /^\/image\/([^/]+)\/tag\/([^/]+)$/.exec(path);
  if (image?.[1] !== undefined && image[2] !== undefined)
    return {
      page: 'image',
      repo: decodeURIComponent(image[1]),
      tag: decodeURIComponent(image[2]),
      digest: url.searchParams.get('digest') ?? undefined,
    };
  const repo = /^\/image\/([^/]+)$/.exec(path);
  if (repo?.[1] !== undefined) return { page: 'repo', repo: decodeURIComponent(repo[1]) };
  return { page: 'notFound', path };
}

const listeners = new Set<() => void>();

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const listener of listeners) listener();
  if (!options.replace) window.scrollTo(0, 0);
}

/** The current location, re-rendered on navigation (pushState here, back/forward in the browser). */
export function useLocation(): URL {
  const [url, setUrl] = useState(() => new URL(location.href));
  useEffect(() => {
    const update = () => setUrl(new URL(location.href));
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return url;
}

/** Same-origin link clicks without modifier keys become client-side navigations. */
export function interceptLinks(): void {
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (anchor?.target !== '' || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin) return;
    if (url.pathname.startsWith('/zot/') || url.pathname.startsWith('/v2/')) return;
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });
}
